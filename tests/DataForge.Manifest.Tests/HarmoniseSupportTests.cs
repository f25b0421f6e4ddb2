namespace DataForge.Manifest.Tests;

public sealed class HarmoniseSupportTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    public void Dispose() => _f.Dispose();

    private const string WithMask = ManifestFixture.Minimal + """

          - {id: seg, kind: labels, path: raw, format: nifti-mask, key: SeriesInstanceUID}
        deidentify: {profile: basic}
        labels:
          annotations:
            - {name: body, kind: mask, source: seg}
        harmonise:
          - resample: {spacing: [1, 1, 1]}
          - normalise: {method: zscore, mask: MASK}
        output: {layout: LAYOUT}
        """;

    [Theory]
    [InlineData("nifti")]
    [InlineData("nnunet")]
    [InlineData("monai")]
    public void Harmonise_steps_are_accepted_with_every_layout_that_publishes_volumes(string layout) =>
        Assert.Empty(_f.Problems(WithMask.Replace("MASK", "foreground").Replace("LAYOUT", layout)));

    [Fact]
    public void Zscore_over_a_mask_annotation_is_accepted()
    {
        Assert.Empty(_f.Problems(WithMask.Replace("MASK", "body").Replace("LAYOUT", "nnunet")));
    }

    [Fact]
    public void Zscore_over_an_annotation_that_is_not_a_mask_is_refused_at_its_line()
    {
        var problems = _f.Problems(WithMask.Replace("MASK", "grade").Replace("LAYOUT", "nnunet"));
        Assert.Equal("dataforge.yaml:14:39: mask 'grade' is neither all, foreground, nor a mask annotation in labels.annotations",
            Assert.Single(problems));
    }

    [Fact]
    public void Whitestripe_takes_a_contrast_and_no_other_method_does()
    {
        Assert.Empty(_f.Problems(WithMask.Replace("{method: zscore, mask: MASK}", "{method: whitestripe, contrast: FLAIR}").Replace("LAYOUT", "nifti")));
        var problems = _f.Problems(WithMask.Replace("mask: MASK", "contrast: T2").Replace("LAYOUT", "nifti"));
        Assert.Equal("dataforge.yaml:14:33: 'contrast' is only for method whitestripe, not zscore", Assert.Single(problems));
        Assert.NotEmpty(_f.Problems(WithMask.Replace("{method: zscore, mask: MASK}", "{method: whitestripe, contrast: T3}").Replace("LAYOUT", "nifti")));
    }

    private const string Flat = ManifestFixture.Minimal + """

          - {id: boxes, kind: labels, path: raw, format: coco, key: SOPInstanceUID}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}, {id: 1, name: lesion}]
          annotations:
            - {name: findings, kind: boxes, source: boxes}
        harmonise:
          - STEP
          - normalise: {method: zscore}
        output:
          layout: LAYOUT
          png: {slices: SLICES}
        """;

    private IReadOnlyList<string> FlatProblems(string step, string layout, bool slices) =>
        _f.Problems(Flat.Replace("STEP", step).Replace("LAYOUT", layout).Replace("SLICES", slices ? "true" : "false"));

    [Theory]
    [InlineData("png", false)]
    [InlineData("png", true)]
    [InlineData("coco", false)]
    public void Intensity_steps_are_accepted_before_the_2d_layouts(string layout, bool slices) =>
        Assert.Empty(FlatProblems("clip: {percentiles: [1, 99]}", layout, slices));

    [Fact]
    public void Reorient_before_png_images_without_slices_is_refused_at_its_key()
    {
        Assert.Empty(FlatProblems("reorient: LPS", "png", slices: true));
        var problems = FlatProblems("reorient: LPS", "png", slices: false);
        Assert.Equal("dataforge.yaml:14:5: reorient turns volumes; with output.layout png and without output.png.slices: true every image is 2D and has no patient orientation; remove the step",
            Assert.Single(problems));
    }

    [Theory]
    [InlineData("resample: {spacing: [1, 1, 1]}")]
    [InlineData("crop_or_pad: {shape: [64, 64, 1]}")]
    public void Geometric_steps_under_coco_boxes_of_2d_images_are_accepted(string step)
    {
        Assert.Empty(FlatProblems(step, "png", slices: false));
        Assert.Empty(FlatProblems(step, "coco", slices: false));
    }

    [Fact]
    public void Coco_with_harmonised_slices_is_refused_at_harmonise()
    {
        var problems = FlatProblems("clip: {percentiles: [1, 99]}", "coco", slices: true);
        Assert.Equal("dataforge.yaml:14:3: harmonise: COCO images name their DICOM instance, and the harmonised slices of a volume are not instances; set output.png.slices: false or use output.layout: png",
            Assert.Single(problems));
    }

    [Fact]
    public void Zscore_over_a_mask_annotation_before_png_is_refused_at_the_mask()
    {
        var problems = _f.Problems(WithMask.Replace("MASK", "body").Replace("LAYOUT", "png"));
        Assert.Equal("dataforge.yaml:14:39: mask 'body': masks do not follow the images of output.layout png; use mask: all or foreground", Assert.Single(problems));
    }
}
