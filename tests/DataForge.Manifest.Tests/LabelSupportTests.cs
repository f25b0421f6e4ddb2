namespace DataForge.Manifest.Tests;

public sealed class LabelSupportTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    public void Dispose() => _f.Dispose();

    private const string WithLabels = ManifestFixture.Minimal + """

          - {id: lab, kind: labels, path: raw, format: FORMAT, key: PatientID}
        deidentify: {profile: basic}
        labels:
          annotations:
            - {name: a, kind: KIND, source: lab}
        """;

    [Fact]
    public void A_categorical_csv_source_is_accepted()
    {
        Assert.Empty(_f.Problems(WithLabels.Replace("FORMAT", "csv").Replace("KIND", "categorical")));
    }

    [Fact]
    public void A_coco_source_for_boxes_is_accepted_and_a_csv_one_refused_with_the_format_that_works()
    {
        Assert.Empty(_f.Problems(WithLabels.Replace("FORMAT", "coco").Replace("KIND", "boxes").Replace("PatientID", "SOPInstanceUID")));
        Assert.Contains("dataforge.yaml:7:59: sources[1].key: boxes are matched to images by SOPInstanceUID (an image member of that name, or the file name), not PatientID",
            _f.Problems(WithLabels.Replace("FORMAT", "coco").Replace("KIND", "boxes")));
        var problems = _f.Problems(WithLabels.Replace("FORMAT", "csv").Replace("KIND", "boxes"));
        Assert.Contains(problems, p => p.Contains("sources[1].format: csv cannot be imported as a boxes annotation yet (supported: coco)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mask_annotation_read_from_a_csv_source_is_refused_with_the_formats_that_work()
    {
        var problems = _f.Problems(WithLabels.Replace("FORMAT", "csv").Replace("KIND", "mask"));
        Assert.Contains(problems, p => p.Contains("sources[1].format: csv cannot be imported as a mask annotation yet (supported: nifti-mask)", StringComparison.Ordinal));
    }

    [Fact]
    public void Splits_without_de_identification_are_refused()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nsplits:\n  ratios: {train: 1.0}\n");
        Assert.Contains(problems, p => p.Contains("splits are made over de-identified patients", StringComparison.Ordinal));
    }
}
