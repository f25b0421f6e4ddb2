namespace DataForge.Manifest.Tests;

public sealed class PngOutputCheckTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    public void Dispose() => _f.Dispose();

    private IReadOnlyList<string> Problems(string output) =>
        _f.Problems(ManifestFixture.Minimal + "\ndeidentify: {profile: basic}\noutput:\n" + output);

    [Fact]
    public void A_png_layout_with_bit_depth_slices_and_a_window_is_accepted()
    {
        Assert.Empty(Problems("  layout: png\n  png: {bit_depth: 16, slices: true, window: {center: 40, width: 400, function: LINEAR_EXACT}}\n"));
        Assert.Empty(Problems("  layout: png\n  png:\n    window: {min: -1000, max: 1000}\n"));
    }

    [Fact]
    public void A_window_whose_max_is_not_above_its_min_is_reported_at_max()
    {
        var problems = Problems("  layout: png\n  png:\n    window: {min: 10, max: 10}\n");
        Assert.Equal("dataforge.yaml:11:28: output.png.window: max (10) must be above min (10)", Assert.Single(problems));
    }

    [Fact]
    public void A_linear_window_narrower_than_one_is_reported_at_width()
    {
        var problems = Problems("  layout: png\n  png:\n    window: {center: 0, width: 0.5}\n");
        Assert.Equal("dataforge.yaml:11:32: output.png.window.width: a LINEAR window needs width >= 1 (PS3.3 C.11.2.1.2.1), not 0.5; use function: LINEAR_EXACT for narrower windows",
            Assert.Single(problems));
    }

    [Fact]
    public void Tiff_images_are_written_by_layout_png_and_refused_for_coco_at_the_format()
    {
        Assert.Empty(Problems("  layout: png\n  png: {format: tiff, bit_depth: 16}\n"));
        var problems = Problems("  layout: coco\n  png: {format: tiff}\n");
        Assert.Equal("dataforge.yaml:10:17: output.png.format: tiff is written by layout png only, not coco; remove format or set output.layout: png", Assert.Single(problems));
        Assert.NotEmpty(Problems("  layout: png\n  png: {format: jpeg}\n"));
    }

    [Fact]
    public void Png_settings_with_a_volume_layout_are_reported_at_the_key()
    {
        var problems = Problems("  layout: nifti\n  png: {bit_depth: 8}\n");
        Assert.Equal("dataforge.yaml:10:3: output.png: only the png and coco layouts write PNG images, not nifti; remove output.png or set output.layout: png", Assert.Single(problems));
    }

    [Theory]
    [InlineData("{bit_depth: 12}")]
    [InlineData("{window: {center: 1}}")]
    [InlineData("{window: {center: 1, width: 2, min: 0}}")]
    [InlineData("{window: {min: 0, max: 1, function: SIGMOID}}")]
    [InlineData("{colour: true}")]
    public void Settings_outside_the_schema_are_refused(string png)
    {
        Assert.NotEmpty(Problems($"  layout: png\n  png: {png}\n"));
    }
}
