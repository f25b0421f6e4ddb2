using System.Text.Json;
using DataForge.Engine.Building;
using DataForge.Stages.VolumeSources;
using DataForge.Testing;

namespace DataForge.Stages.Tests.VolumeSources;

/// <summary>NIfTI and Analyze sources through the whole pipeline, checked with nibabel (write_bids.py, check_nifti_sources.py).</summary>
public sealed class NiftiSourceBuildTests
{
    private const string Manifest = """
        version: 1
        name: nifti-sources
        sources:
          - {id: bids, kind: nifti, path: bids}
          - {id: legacy, kind: analyze, path: legacy, subject: "^(?<subject>LEG[0-9]+)_", modality: MR}
          - {id: seg, kind: labels, path: masks, format: nifti-mask, key: SeriesInstanceUID}
        deidentify: {profile: basic}
        harmonise:
          - reorient: RAS
          - resample: {spacing: [2, 2, 2], interpolation: linear}
        labels:
          classes: [{id: 0, name: background}, {id: 1, name: lesion}]
          annotations:
            - {name: lesion, kind: mask, source: seg}
        splits:
          seed: 3
          ratios: {train: 0.5, val: 0.25, test: 0.25}
        output: {path: Dataset001_Nifti, layout: nnunet}
        """;

    private static void Succeeded(BuildResult result) =>
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures));

    [SkippableFact]
    public void A_BIDS_tree_and_Analyze_pairs_become_an_nnunet_dataset_on_the_harmonised_grid_with_no_planted_identifier()
    {
        using var p = new NiftiSourceProject();
        Succeeded(p.Build(Manifest));
        var outRoot = p.Combine("Dataset001_Nifti");
        var images = Directory.GetFiles(outRoot, "*.nii.gz", SearchOption.AllDirectories)
            .Where(f => f.Contains("/images", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        // nnU-Net: labelled cases outside the test split in imagesTr, every test case in imagesTs (unlabelled
        // training cases have no place); sub-01 (two sessions) and sub-02 carry masks.
        Assert.Equal(Directory.GetFiles(Path.Combine(outRoot, "labelsTr")).Length, Directory.GetFiles(Path.Combine(outRoot, "imagesTr")).Length);
        Assert.True(images.Count >= 3, $"only {images.Count} images were exported");

        // nibabel: every output on the grid that as_closest_canonical + the documented resample rule give its original.
        var originals = p.Images.Select(i => p.Combine(i.EndsWith(".hdr", StringComparison.Ordinal) ? "legacy" : "bids", i)).ToList();
        var list = p.Combine("originals.json");
        File.WriteAllText(list, JsonSerializer.Serialize(originals));
        var python = Oracle.RequirePython("nibabel", "numpy");
        var labels = Directory.GetFiles(Path.Combine(outRoot, "labelsTr"), "*.nii.gz").Order(StringComparer.Ordinal).ToList();
        var run = Oracle.Run(python, [NiftiSourceProject.Script("check_nifti_sources.py"), "2", list, .. images, .. labels]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        using var doc = JsonDocument.Parse(run.StandardOutput);
        var expected = doc.RootElement.GetProperty("expected").EnumerateArray().ToList();
        var outputs = doc.RootElement.GetProperty("outputs").EnumerateArray().ToList();
        var matched = new HashSet<int>();
        foreach (var output in outputs.Take(images.Count))
        {
            var name = Path.GetFileName(output.GetProperty("path").GetString()!);
            Assert.Equal("RAS", output.GetProperty("axcodes").GetString());
            Assert.All(output.GetProperty("zooms").EnumerateArray(), z => Assert.Equal(2.0, z.GetDouble(), 4));
            var centre = Numbers(output.GetProperty("centre"));
            var match = expected.FindIndex(e => Numbers(e.GetProperty("centre")).Zip(centre).All(x => Math.Abs(x.First - x.Second) < 1e-3));
            Assert.True(match >= 0, $"{name}: no original has its field-of-view centre");
            Assert.True(matched.Add(match), $"{name}: two outputs come from one original");
            Assert.Equal(Numbers(expected[match].GetProperty("shape")), Numbers(output.GetProperty("shape")));
            var want = Numbers(expected[match].GetProperty("affine"));
            var got = Numbers(output.GetProperty("affine"));
            Assert.True(want.Zip(got).All(x => Math.Abs(x.First - x.Second) < 1e-3), $"{name}: affine [{string.Join(", ", got)}], nibabel expects [{string.Join(", ", want)}]");
        }
        // Each label on its image's grid (nnU-Net: same shape and affine), named like its image.
        foreach (var label in outputs.Skip(images.Count))
        {
            var name = Path.GetFileName(label.GetProperty("path").GetString()!);
            var image = outputs.Take(images.Count).Single(o => Path.GetFileName(o.GetProperty("path").GetString()!) == name.Replace(".nii.gz", "_0000.nii.gz", StringComparison.Ordinal));
            Assert.Equal(Numbers(image.GetProperty("shape")), Numbers(label.GetProperty("shape")));
            Assert.True(Numbers(image.GetProperty("affine")).Zip(Numbers(label.GetProperty("affine"))).All(x => Math.Abs(x.First - x.Second) < 1e-4), name);
        }
        // Three masks were drawn (sub-01 twice, sub-02); the ones outside the test split are training labels.
        var split = Splits(outRoot);
        Assert.Equal(5, split.Count);
        var labelled = labels.Select(l => Path.GetFileName(l).Split('_')[0]).ToList();
        Assert.All(labelled, pseudonym => Assert.NotEqual("test", split[pseudonym]));
        // Splits are by subject: sub-01's two sessions are two cases of one pseudonym, in one folder.
        var cases = images.Select(i => (Folder: Path.GetFileName(Path.GetDirectoryName(i))!, Pseudonym: Path.GetFileName(i).Split('_')[0])).ToList();
        Assert.Contains(cases.GroupBy(c => c.Pseudonym), g => g.Count() == 2);
        foreach (var g in cases.GroupBy(c => c.Pseudonym))
        {
            Assert.Single(g.Select(c => c.Folder).Distinct());
            Assert.Equal(split[g.Key] == "test" ? "imagesTs" : "imagesTr", g.First().Folder);
        }
        Assert.Empty(p.Leaks(outRoot));
    }

    [SkippableFact]
    public void Two_builds_in_separate_projects_and_with_one_or_two_jobs_write_the_same_bytes()
    {
        using var p = new NiftiSourceProject();
        Succeeded(p.Build(Manifest, jobs: 2));
        using var copy = p.CopySources();
        Succeeded(p.Build(Manifest, jobs: 1, root: copy.Path));
        var first = NiftiSourceProject.Digest(p.Combine("Dataset001_Nifti"));
        Assert.NotEmpty(first);
        Assert.Equal(first, NiftiSourceProject.Digest(copy.Combine("Dataset001_Nifti")));
    }

    [SkippableFact]
    public void Broken_files_fail_alone_naming_their_path_and_byte_offset_and_the_rest_builds()
    {
        using var p = new NiftiSourceProject();
        // A truncated .nii, a .nii whose sizeof_hdr is wrong, and an Analyze .hdr without its .img.
        var good = File.ReadAllBytes(p.Combine("bids", "sub-02", "anat", "sub-02_T1w.nii.gz"));
        Directory.CreateDirectory(p.Combine("bids", "sub-07", "anat"));
        File.WriteAllBytes(p.Combine("bids", "sub-07", "anat", "sub-07_T1w.nii.gz"), good[..(good.Length / 2)]);
        Directory.CreateDirectory(p.Combine("bids", "sub-08", "anat"));
        var plain = new byte[400];
        BitConverter.GetBytes(349).CopyTo(plain, 0);
        File.WriteAllBytes(p.Combine("bids", "sub-08", "anat", "sub-08_T1w.nii"), plain);
        File.Copy(p.Combine("legacy", "LEG004_t1.hdr"), p.Combine("legacy", "LEG009_t1.hdr"));
        var result = p.Build(Manifest.Replace("layout: nnunet", "layout: nifti").Replace("Dataset001_Nifti", "out"));

        Assert.Equal(3, result.Failures.Count);
        var truncated = Assert.Single(result.Failures, f => f.Item == "bids:sub-07/anat/sub-07_T1w.nii.gz");
        Assert.Equal(NiftiFilesStage.IdFor("bids"), truncated.StageId);
        Assert.Matches("byte [0-9]+: .*(gzip|ends)", truncated.Reason);
        var wrong = Assert.Single(result.Failures, f => f.Item == "bids:sub-08/anat/sub-08_T1w.nii");
        Assert.Contains("byte 0: sizeof_hdr is 349", wrong.Reason);
        var lone = Assert.Single(result.Failures, f => f.StageId == NiftiSourceStage.Id);
        Assert.Contains("has no .img data file beside it", lone.Reason);
        Assert.All(result.Failures, f => Assert.DoesNotContain("sub-0", f.Reason, StringComparison.Ordinal));
        // Every good image is published all the same.
        Assert.Equal(p.Images.Count, Directory.GetFiles(p.Combine("out", "nifti"), "*.nii.gz", SearchOption.AllDirectories).Length);
        // The sidecars keep the acquisition parameters write_bids.py wrote (the policy's allow-list), nothing that identifies.
        var sidecars = Directory.GetFiles(p.Combine("out", "nifti"), "*.json", SearchOption.AllDirectories)
            .Select(f => (Pseudonym: Path.GetFileName(Path.GetDirectoryName(f))!, Json: JsonDocument.Parse(File.ReadAllBytes(f)).RootElement)).ToList();
        Assert.Equal(4, sidecars.Count(s => s.Json.TryGetProperty("RepetitionTime", out _)));
        Assert.All(sidecars.Where(s => s.Json.TryGetProperty("RepetitionTime", out _)), s =>
        {
            var j = s.Json;
            Assert.Equal(2.3, j.GetProperty("RepetitionTime").GetDouble());
            Assert.Equal(0.00298, j.GetProperty("EchoTime").GetDouble());
            Assert.Equal(3, j.GetProperty("MagneticFieldStrength").GetDouble());
            Assert.Equal("MR", j.GetProperty("Modality").GetString());
            // The patient's name and ID become the pseudonym of the folder, as in a DICOM instance.
            Assert.Equal(s.Pseudonym, j.GetProperty("PatientName").GetString());
            Assert.False(j.TryGetProperty("DeviceSerialNumber", out _));
            Assert.False(j.TryGetProperty("InstitutionName", out _));
            // DataForge wrote this volume: the source converter's version would describe neither tool.
            Assert.Equal("DataForge", j.GetProperty("ConversionSoftware").GetString());
            Assert.False(j.TryGetProperty("ConversionSoftwareVersion", out _));
        });
        Assert.Empty(p.Leaks(p.Combine("out")));
        // The de-identification report counts what the cleaners did, by field and key, with no values.
        var report = JsonDocument.Parse(File.ReadAllBytes(p.Combine("out", "deidentification.json"))).RootElement;
        Assert.Equal(p.Images.Count, report.GetProperty("instances").GetInt32());
        Assert.True(report.GetProperty("attributes").TryGetProperty("sidecar:PatientName", out _), report.GetProperty("attributes").ToString());
        Assert.True(report.GetProperty("attributes").TryGetProperty("nifti:descrip", out _));
    }

    [SkippableFact]
    public void DICOM_and_NIfTI_sources_build_side_by_side_and_a_table_keyed_by_subject_finds_its_pseudonym()
    {
        using var p = new NiftiSourceProject();
        DataForge.Synth.SynthWriter.Write(p.Combine("dicom"), new DataForge.Synth.SynthOptions { Patients = 1, Slices = 3, Matrix = 12, Modalities = ["MR"] });
        File.WriteAllText(p.Combine("grades.csv"), "PatientID,grade\nsub-01,low\nsub-02,high\nsub-03,low\nLEG004,high\nsub-99,low\n");
        var result = p.Build("""
            version: 1
            name: mixed-sources
            sources:
              - {id: ct, kind: dicom, path: dicom}
              - {id: bids, kind: nifti, path: bids}
              - {id: legacy, kind: analyze, path: legacy, subject: "^(?<subject>LEG[0-9]+)_", modality: MR}
              - {id: grades, kind: labels, path: grades.csv, format: csv, key: PatientID}
            deidentify: {profile: basic}
            labels:
              annotations:
                - {name: grade, kind: categorical, level: patient, source: grades, values: [low, high]}
            splits:
              ratios: {train: 0.5, test: 0.5}
            output: {path: out, layout: nifti}
            """);
        Succeeded(result);
        var volumes = Directory.GetFiles(p.Combine("out", "nifti"), "*.nii.gz", SearchOption.AllDirectories);
        var dicomSeries = Directory.GetDirectories(p.Combine("dicom"), "*", SearchOption.AllDirectories).Count(d => Directory.GetFiles(d, "*.dcm").Length > 0);
        Assert.Equal(dicomSeries + p.Images.Count, volumes.Length);
        // 1 DICOM patient + 3 BIDS subjects + 2 Analyze subjects, each one pseudonym in one split.
        var split = Splits(p.Combine("out"));
        Assert.Equal(6, split.Count);
        Assert.Equal(split.Keys.Order(StringComparer.Ordinal), Directory.GetDirectories(p.Combine("out", "nifti")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // The table's rows keyed by subject land on those subjects' pseudonyms; sub-99 names no image.
        using var grades = JsonDocument.Parse(File.ReadAllBytes(p.Combine("out", "labels", "grade.json")));
        var items = grades.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(4, items.Count);
        Assert.All(items, i => Assert.True(split.ContainsKey(i.GetProperty("patient").GetString()!)));
        var report = File.ReadAllText(p.Combine("out", "labels", "grade.report.json"));
        Assert.Contains("link", report);
        Assert.Empty(p.Leaks(p.Combine("out")));
    }

    private static Dictionary<string, string> Splits(string outRoot)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outRoot, "splits.json")));
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var patient in doc.RootElement.GetProperty("patients").EnumerateArray())
            map.Add(patient.GetProperty("pseudonym").GetString()!, patient.GetProperty("split").GetString()!);
        return map;
    }

    private static double[] Numbers(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? e.EnumerateArray().SelectMany(x => x.ValueKind == JsonValueKind.Array ? Numbers(x) : [x.GetDouble()]).ToArray()
        : [e.GetDouble()];
}
