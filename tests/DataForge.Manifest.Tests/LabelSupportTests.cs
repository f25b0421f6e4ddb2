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
    public void Labels_keyed_by_accession_number_must_name_studies()
    {
        var byAccession = WithLabels.Replace("FORMAT", "csv").Replace("KIND", "categorical").Replace("PatientID", "AccessionNumber");
        Assert.Empty(_f.Problems(byAccession.Replace("source: lab}", "source: lab, level: study}")));
        Assert.Contains(_f.Problems(byAccession), p => p.Contains("labels keyed by AccessionNumber (source 'lab') name studies: set level: study", StringComparison.Ordinal));
    }

    [Fact]
    public void A_coco_source_for_boxes_is_accepted_and_a_csv_one_refused_with_the_format_that_works()
    {
        Assert.Empty(_f.Problems(WithLabels.Replace("FORMAT", "coco").Replace("KIND", "boxes").Replace("PatientID", "SOPInstanceUID")));
        Assert.Contains("dataforge.yaml:7:59: sources[1].key: COCO images are matched to images by SOPInstanceUID (an image member of that name, or the file name), not PatientID",
            _f.Problems(WithLabels.Replace("FORMAT", "coco").Replace("KIND", "boxes")));
        var problems = _f.Problems(WithLabels.Replace("FORMAT", "csv").Replace("KIND", "boxes"));
        Assert.Contains(problems, p => p.Contains("sources[1].format: csv cannot be imported as a boxes annotation yet (supported: coco)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mask_annotation_read_from_a_csv_source_is_refused_with_the_formats_that_work()
    {
        var problems = _f.Problems(WithLabels.Replace("FORMAT", "csv").Replace("KIND", "mask"));
        Assert.Contains(problems, p => p.Contains("sources[1].format: csv cannot be imported as a mask annotation yet (supported: coco, dicom-seg, nifti-mask)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_coco_mask_annotation_is_accepted_per_image_and_refused_per_series()
    {
        var coco = WithLabels.Replace("FORMAT", "coco").Replace("KIND", "mask").Replace("key: PatientID", "key: SOPInstanceUID");
        Assert.Empty(_f.Problems(coco));
        Assert.Empty(_f.Problems(coco.Replace("source: lab}", "source: lab, level: image}")));
        Assert.Contains(_f.Problems(coco.Replace("source: lab}", "source: lab, level: series}")),
            p => p.Contains("labels.annotations[0].level: COCO masks are labelled per image", StringComparison.Ordinal));
        Assert.Contains(_f.Problems(coco.Replace("key: SOPInstanceUID", "key: SeriesInstanceUID")),
            p => p.Contains("sources[1].key: COCO images are matched to images by SOPInstanceUID", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mask_annotation_read_from_dicom_seg_is_accepted()
    {
        Assert.Empty(_f.Problems(WithLabels.Replace("FORMAT", "dicom-seg").Replace("KIND", "mask").Replace("key: PatientID", "key: SeriesInstanceUID")));
    }

    [Fact]
    public void A_segments_mapping_must_name_declared_classes_and_a_dicom_seg_source()
    {
        var seg = WithLabels.Replace("FORMAT", "dicom-seg").Replace("KIND", "mask")
            .Replace("  annotations:", "  classes: [{id: 0, name: background}, {id: 1, name: liver}]\n  annotations:")
            .Replace("source: lab}", "source: lab, segments: {'1': liver, Tumour: tumor}}");
        var problems = _f.Problems(seg);
        Assert.Contains(problems, p => p.Contains("segment 'Tumour' maps to 'tumor', which is not a name in labels.classes", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("segment '1'", StringComparison.Ordinal));

        var nifti = seg.Replace("dicom-seg", "nifti-mask");
        Assert.Contains(_f.Problems(nifti), p => p.Contains("'segments' is only for annotations read from a dicom-seg source", StringComparison.Ordinal));
    }

    [Fact]
    public void Splits_without_de_identification_are_refused()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nsplits:\n  ratios: {train: 1.0}\n");
        Assert.Contains(problems, p => p.Contains("splits are made over de-identified patients", StringComparison.Ordinal));
    }
}
