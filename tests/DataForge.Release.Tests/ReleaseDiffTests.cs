using System.Text.Json.Nodes;

namespace DataForge.Release.Tests;

/// <summary>The semantic diff on small hand-written releases (expected values worked out by hand).</summary>
public sealed class ReleaseDiffTests
{
    private static ReleaseFile File(string path, string sha, string input, string item) => new()
    {
        Path = path,
        Size = 10,
        Sha256 = sha.PadRight(64, '0'),
        Kind = OutputKinds.Of("volume", path),
        Provenance = new Provenance("volume", new string('a', 64), [input.PadRight(64, '0')]),
        Item = JsonNode.Parse(item)!.AsObject(),
    };

    private static ReleaseManifest Release(string version, string policy, params ReleaseFile[] files) => new()
    {
        Dataset = "d",
        Version = version,
        ToolVersion = "0.1.0",
        ManifestSha256 = new string('c', 64),
        Policy = JsonNode.Parse(policy)!.AsObject(),
        Sources = [],
        Files = files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList(),
    };

    [Fact]
    public void Split_moves_between_train_and_test_warn_and_labels_geometry_and_policy_are_summarised()
    {
        var a = Release("v1", """{"splits":{"seed":1},"output":{"layout":"nifti"}}""",
            File("nifti/P1/S1.nii.gz", "1", "a1", """{"patient":"P1","series":"S1","split":"train","labels":["lesion"],"geometry":{"spacing":[1,1,2],"shape":[4,4,3]}}"""),
            File("nifti/P2/S2.nii.gz", "2", "a2", """{"patient":"P2","series":"S2","split":"val","labels":["lesion","cyst"]}"""),
            File("nifti/P3/S3.nii.gz", "3", "a3", """{"patient":"P3","series":"S3","split":"test"}"""));
        var b = Release("v2", """{"splits":{"seed":2},"output":{"layout":"nifti"}}""",
            File("nifti/P1/S1.nii.gz", "4", "a1", """{"patient":"P1","series":"S1","split":"test","labels":["lesion"],"geometry":{"spacing":[1,1,1],"shape":[4,4,6]}}"""),
            File("nifti/P2/S2.nii.gz", "2", "a2", """{"patient":"P2","series":"S2","split":"val","labels":["lesion","cyst"]}"""),
            File("nifti/P4/S4.nii.gz", "5", "a4", """{"patient":"P4","series":"S4","split":"train","labels":["cyst"]}"""));

        var d = ReleaseDiff.Compare("v1", a, "v2", b);

        Assert.Equal(["nifti/P4/S4.nii.gz"], d.Added);
        Assert.Equal(["nifti/P3/S3.nii.gz"], d.Removed);
        Assert.Equal([("nifti/P1/S1.nii.gz", "nifti/P1/S1.nii.gz")], d.Changed);
        Assert.Equal(1, d.Unchanged);
        Assert.Equal(["P4"], d.PatientsAdded);
        Assert.Equal(["P3"], d.PatientsRemoved);
        Assert.Equal(["S4"], d.SeriesAdded);
        Assert.Equal(["S3"], d.SeriesRemoved);
        Assert.Equal(new SortedDictionary<string, int> { ["geometry.shape"] = 1, ["geometry.spacing"] = 1, ["split"] = 1 }, d.AttributeChanges);
        Assert.Equal(
            [new GeometryChange("S1", "shape", "[4,4,3]", "[4,4,6]", 1), new GeometryChange("S1", "spacing", "[1,1,2]", "[1,1,1]", 1)],
            d.GeometryChanges);
        Assert.Equal(new SortedDictionary<string, int> { ["cyst"] = 1, ["lesion"] = 2 }, d.LabelsBefore);
        Assert.Equal(new SortedDictionary<string, int> { ["cyst"] = 2, ["lesion"] = 2 }, d.LabelsAfter);
        Assert.Equal([new SplitMove("P1", "train", "test")], d.SplitMoves);
        Assert.Contains("patient P1 moved from train to test", Assert.Single(d.Warnings));
        Assert.Equal([new ValueChange("splits.seed", "1", "2")], d.PolicyChanges);
        Assert.Empty(d.ToolChanges);

        var markdown = ReleaseDiffFormat.ToText(d, markdown: true);
        Assert.Contains("> **Warning:** patient P1 moved from train to test", markdown);
        Assert.Contains("- series S1: spacing [1,1,2] -> [1,1,1] (1 files)", markdown);
        Assert.Contains("- lesion: 2 -> 2", markdown);
        Assert.Equal("train", ReleaseDiffFormat.ToJson(d)["split_moves"]![0]!["before"]!.GetValue<string>());
    }

    [Fact]
    public void A_file_under_a_new_path_made_from_the_same_input_is_changed_and_an_ambiguous_origin_is_not_paired()
    {
        var a = Release("v1", "{}",
            File("dicom/P1/x.dcm", "1", "in1", """{"patient":"P1"}"""),
            File("dicom/P1/y.dcm", "2", "dup", "{}"),
            File("dicom/P1/z.dcm", "3", "dup", "{}"));
        var b = Release("v2", "{}",
            File("dicom/Q1/x.dcm", "4", "in1", """{"patient":"Q1"}"""),
            File("dicom/Q1/y.dcm", "5", "dup", "{}"));

        var d = ReleaseDiff.Compare("v1", a, "v2", b);

        Assert.Equal([("dicom/P1/x.dcm", "dicom/Q1/x.dcm")], d.Changed);
        Assert.Equal(["dicom/P1/y.dcm", "dicom/P1/z.dcm"], d.Removed);
        Assert.Equal(["dicom/Q1/y.dcm"], d.Added);
        Assert.Equal(new SortedDictionary<string, int> { ["patient"] = 1 }, d.AttributeChanges);
    }

    [Theory]
    [InlineData("deidentify", "dicom/P/S/E/I.dcm", OutputKinds.DicomInstance)]
    [InlineData("volume", "nifti/P/S.nii.gz", OutputKinds.NiftiVolume)]
    [InlineData("labels", "labels/P/S.nii.gz", OutputKinds.Label)]
    [InlineData("splits", "splits/train.csv", OutputKinds.Split)]
    [InlineData("report", "reports/curation.md", OutputKinds.Report)]
    [InlineData("volume", "nifti/P/S.json", OutputKinds.Sidecar)]
    [InlineData("deidentification-report", "deidentification.json", OutputKinds.Report)]
    [InlineData("curate.report", "curation.json", OutputKinds.Report)]
    [InlineData("harmonise-2-nyul-landmarks", "harmonise/nyul-landmarks.json", OutputKinds.Report)]
    [InlineData("png", "png/P/ST/SE/I.png", OutputKinds.PngImage)]
    [InlineData("png", "png/P/ST/SE/I.json", OutputKinds.Sidecar)]
    [InlineData("export", "coco/images/train/I.png", OutputKinds.PngImage)]
    [InlineData("export", "coco/annotations/train.json", OutputKinds.Label)]
    [InlineData("export", "labelsTr/case_001.nii.gz", OutputKinds.Label)]
    [InlineData("export", "imagesTr/case_001_0000.nii.gz", OutputKinds.NiftiVolume)]
    public void Kinds_follow_the_stage_then_the_extension(string stage, string path, string kind) =>
        Assert.Equal(kind, OutputKinds.Of(stage, path));

    [Fact]
    public void The_manifest_json_reads_back_to_the_same_bytes_and_rejects_another_schema_version()
    {
        var m = Release("v1", """{"deidentify":{"profile":"basic"},"output":{"layout":"dicom"},"stages":[{"id":"deidentify","version":1}]}""",
            File("dicom/P1/x.dcm", "1", "in1", """{"patient":"P1","geometry":{"rows":16}}"""));
        var bytes = ReleaseManifestJson.ToBytes(m);
        var text = System.Text.Encoding.UTF8.GetString(bytes);

        Assert.Equal(bytes, ReleaseManifestJson.ToBytes(ReleaseManifestJson.Parse(text, "t")));
        Assert.EndsWith("}\n", text);
        Assert.DoesNotContain("\r", text);
        var other = text.Replace($"\"schema_version\": {ReleaseManifest.SchemaVersion}", "\"schema_version\": 99", StringComparison.Ordinal);
        Assert.Contains($"schema_version 99 is not 1 to {ReleaseManifest.SchemaVersion}", Assert.Throws<ReleaseException>(() => ReleaseManifestJson.Parse(other, "t")).Message);
        // A format-1 manifest (no excluded list) is still read: releases made before stay verifiable.
        var first = text.Replace($"\"schema_version\": {ReleaseManifest.SchemaVersion}", "\"schema_version\": 1", StringComparison.Ordinal)
            .Replace("  \"excluded\": [],\n", "", StringComparison.Ordinal);
        Assert.DoesNotContain("excluded", first);
        Assert.Empty(ReleaseManifestJson.Parse(first, "t").Excluded);
    }
}
