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
}
