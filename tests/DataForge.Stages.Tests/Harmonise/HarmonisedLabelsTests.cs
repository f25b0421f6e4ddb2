using System.Globalization;
using System.Text.Json;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Splits;
using DataForge.Stages.Tests.Labels;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Harmonise;

public sealed class HarmonisedLabelsTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 4, slices: 6, matrix: 12);

    public void Dispose() => _p.Dispose();

    private const string Spacing = "45, 45, 60";

    /// <summary>Body masks (HU above -500, class 2) and two landmarks per series: the volume's centre and its first voxel.</summary>
    private void WriteLabels()
    {
        var rows = new List<string> { "SeriesInstanceUID,name,x,y,z" };
        foreach (var s in _p.Series)
        {
            var image = LabelProject.Stack(s);
            LabelProject.WriteMask(LabelProject.Threshold(image, -500, label: 2), _p.Combine("masks", s.SeriesUid + ".nii.gz"));
            var (cx, cy, cz) = image.Affine.Apply((image.Dim(0) - 1) / 2.0, (image.Dim(1) - 1) / 2.0, (image.Dim(2) - 1) / 2.0);
            var (ox, oy, oz) = image.Affine.Apply(0, 0, 0);
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"{s.SeriesUid},centre,{cx},{cy},{cz}"));
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"{s.SeriesUid},corner,{ox},{oy},{oz}"));
        }
        _p.Write("points.csv", string.Join("\n", rows) + "\n");
    }

    private static string Manifest(string layout, string normaliseMask = "body") => $$"""
        version: 1
        name: harmonised-labels
        sources:
          - {id: ct, kind: dicom, path: raw}
          - {id: seg, kind: labels, path: masks, format: nifti-mask, key: SeriesInstanceUID}
          - {id: pts, kind: labels, path: points.csv, format: landmarks-csv, key: SeriesInstanceUID}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}, {id: 2, name: body}]
          annotations:
            - {name: body, kind: mask, source: seg}
            - {name: marks, kind: landmarks, source: pts, points: [centre, corner]}
        splits:
          ratios: {train: 0.75, test: 0.25}
          seed: 3
        harmonise:
          - reorient: LPS
          - resample: {spacing: [{{Spacing}}], interpolation: linear}
          - crop_or_pad: {shape: [6, 7, 4]}
          - normalise: {method: zscore, mask: {{normaliseMask}}}
        output: {layout: {{layout}}}
        """;

    [SkippableFact]
    public void Masks_follow_their_image_through_the_geometric_steps_into_nnunet_as_scipy_samples_them()
    {
        var python = Oracle.RequirePython("nibabel", "numpy", "scipy");
        WriteLabels();
        var result = _p.Build(Manifest("nnunet"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        Assert.Contains(result.Stages, s => s.StageId == "labels.body.harmonise-2-resample");
        Assert.DoesNotContain(result.Stages, s => s.StageId == "labels.body.harmonise-4-normalise");

        // The masks are published once, on the final grid (labelsTr); the label file and report stay.
        Assert.False(Directory.Exists(_p.Combine("out", "labels", "body")), "masks are published beside labelsTr");
        Assert.True(File.Exists(_p.Combine("out", "labels", "body.json")));
        // The acquired-grid masks the oracle samples: the input masks, by the pseudonym of their patient.
        var keys = new KeyedIdentity(LabelProject.Secret);
        foreach (var s in _p.Series)
        {
            var folder = _p.Combine("acquired", keys.Pseudonym("id:" + s.Issuer + "\0" + s.PatientId, "ANON-"));
            Directory.CreateDirectory(folder);
            File.Copy(_p.Combine("masks", s.SeriesUid + ".nii.gz"), Path.Combine(folder, "mask.nii.gz"));
        }
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_harmonised_labels.py"),
            _p.Combine("out"), "body", "marks", .. Spacing.Split(", "), _p.Combine("acquired")]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        using var summary = JsonDocument.Parse(run.StandardOutput);
        Assert.True(summary.RootElement.GetProperty("cases").GetInt32() > 0, run.StandardOutput);
        // Each series keeps its centre; the crop removes the first voxel, so every corner is dropped.
        Assert.Equal(4, summary.RootElement.GetProperty("kept").GetInt32());
        Assert.Equal(4, summary.RootElement.GetProperty("dropped").GetInt32());
        using var report = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "marks.harmonised.report.json")));
        Assert.All(report.RootElement.GetProperty("dropped").EnumerateArray(), d => Assert.Equal("corner", d.GetProperty("point").GetString()));
    }

    [SkippableFact]
    public void The_monai_datalist_names_the_harmonised_masks_on_the_grid_of_their_images()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        WriteLabels();
        var result = _p.Build(Manifest("monai"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        using var datalist = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "datalist.json")));
        var training = datalist.RootElement.GetProperty("training").EnumerateArray().ToList();
        Assert.NotEmpty(training);
        foreach (var entry in training)
        {
            var label = entry.GetProperty("label").GetString()!;
            // The export's own copy of the harmonised mask; the acquired-grid and harmonised masks are not published beside it.
            Assert.Equal($"labels/{Path.GetFileName(entry.GetProperty("image").GetString()!)}", label);
            var run = Oracle.Run(python, ["-c", """
                import sys, nibabel, numpy as np
                a, b = nibabel.load(sys.argv[1]), nibabel.load(sys.argv[2])
                assert a.shape == b.shape == (6, 7, 4), (a.shape, b.shape)
                assert np.allclose(a.affine, b.affine, atol=1e-4)
                """, _p.Combine("out", entry.GetProperty("image").GetString()!), _p.Combine("out", label)]);
            Assert.True(run.ExitCode == 0, run.StandardError);
        }
        Assert.False(Directory.Exists(_p.Combine("out", "labels", "body")), "masks are published beside the datalist's");
    }

    [SkippableFact]
    public void With_the_nifti_layout_each_harmonised_mask_is_published_on_the_grid_of_its_published_volume()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        WriteLabels();
        var result = _p.Build(Manifest("nifti", normaliseMask: "foreground"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var masks = Directory.GetFiles(_p.Combine("out", "labels", "body", "harmonised"), "*.nii.gz", SearchOption.AllDirectories);
        Assert.Equal(_p.Series.Count, masks.Length);
        foreach (var mask in masks)
        {
            var relative = Path.GetRelativePath(_p.Combine("out", "labels", "body", "harmonised"), mask);
            var run = Oracle.Run(python, ["-c", """
                import sys, nibabel, numpy as np
                a, b = nibabel.load(sys.argv[1]), nibabel.load(sys.argv[2])
                assert a.shape == b.shape == (6, 7, 4), (a.shape, b.shape)
                assert np.allclose(a.affine, b.affine, atol=1e-4)
                assert set(np.unique(np.asarray(b.dataobj)).tolist()) <= {0, 2}
                """, _p.Combine("out", "nifti", relative), mask]);
            Assert.True(run.ExitCode == 0, run.StandardError);
        }
        Assert.True(File.Exists(_p.Combine("out", "labels", "marks.harmonised.json")));
    }

    [Fact]
    public void A_changed_crop_reruns_the_masks_from_that_step_on_and_not_the_labels_or_the_earlier_mask_steps()
    {
        WriteLabels();
        var first = _p.Build(Manifest("nnunet"));
        Assert.True(first.Failures.Count == 0, string.Join("\n", first.Failures.Select(f => f.ToString())));
        var again = _p.Build(Manifest("nnunet").Replace("[6, 7, 4]", "[6, 6, 4]"));
        Assert.True(again.Failures.Count == 0, string.Join("\n", again.Failures.Select(f => f.ToString())));
        var executed = again.Stages.ToDictionary(s => s.StageId, s => s.Executed);
        Assert.Equal(0, executed["labels.body"]);
        Assert.Equal(0, executed["labels.body.harmonise-1-reorient"]);
        Assert.Equal(0, executed["labels.body.harmonise-2-resample"]);
        Assert.Equal(4, executed["labels.body.harmonise-3-crop-or-pad"]);
        Assert.Equal(4, executed["harmonise-4-normalise"]);
        Assert.Equal(1, executed["labels.marks.harmonised"]);
    }

    [Fact]
    public void A_rebuild_from_an_empty_store_gives_the_same_bytes()
    {
        WriteLabels();
        Dictionary<string, byte[]> Build()
        {
            var result = _p.Build(Manifest("nnunet"));
            Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
            return Directory.GetFiles(_p.Combine("out"), "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(_p.Combine("out"), f), File.ReadAllBytes);
        }
        var first = Build();
        Directory.Delete(_p.Combine(".dataforge"), recursive: true);
        Directory.Delete(_p.Combine("out"), recursive: true);
        var second = Build();
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        Assert.Contains(first.Keys, k => k.StartsWith("labelsTr", StringComparison.Ordinal));
        Assert.All(first, kv => Assert.True(kv.Value.AsSpan().SequenceEqual(second[kv.Key]), kv.Key));
    }

    [Fact]
    public void A_series_without_a_mask_fails_normalisation_over_the_mask_and_says_why()
    {
        WriteLabels();
        File.Delete(_p.Combine("masks", _p.Series[0].SeriesUid + ".nii.gz"));
        var result = _p.Build(Manifest("nnunet"));
        var failure = Assert.Single(result.Failures);
        Assert.Equal("harmonise-4-normalise", failure.StageId);
        Assert.Contains("needs one mask of the series, found 0", failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(_p.Series[0].PatientId, failure.ToString(), StringComparison.Ordinal);
    }

    private const string NyulManifest = """
        version: 1
        name: nyul-train
        sources:
          - {id: ct, kind: dicom, path: raw}
        deidentify: {profile: basic}
        splits:
          ratios: {train: 0.5, test: 0.5}
          seed: 11
        harmonise:
          - normalise: {method: nyul}
        output: {layout: nifti}
        """;

    [Fact]
    public void A_new_patient_outside_the_train_split_does_not_rerun_the_nyul_learning_and_leaves_the_landmarks_and_other_volumes_byte_for_byte()
    {
        var first = _p.Build(NyulManifest);
        Assert.True(first.Failures.Count == 0, string.Join("\n", first.Failures.Select(f => f.ToString())));
        var landmarks = File.ReadAllBytes(_p.Combine("out", "harmonise", "nyul-landmarks.json"));
        var volumes = Directory.GetFiles(_p.Combine("out", "nifti"), "*.nii.gz", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        var before = SplitStage.Read(File.ReadAllBytes(_p.Combine("out", "splits.json")));

        // A fifth patient (synthetic patient ids follow the index), moved in beside the first four.
        Synth.SynthWriter.Write(_p.Combine("extra"), new Synth.SynthOptions { Patients = 5, Slices = 6, Matrix = 12, Modalities = ["CT"], Seed = NewPatientSeed });
        var existing = Directory.GetDirectories(_p.Combine("raw")).Select(Path.GetFileName).ToHashSet();
        var fifth = Assert.Single(Directory.GetDirectories(_p.Combine("extra")), d => !existing.Contains(Path.GetFileName(d)));
        Directory.Move(fifth, _p.Combine("raw", Path.GetFileName(fifth)));
        var again = _p.Build(NyulManifest);
        Assert.True(again.Failures.Count == 0, string.Join("\n", again.Failures.Select(f => f.ToString())));
        var after = SplitStage.Read(File.ReadAllBytes(_p.Combine("out", "splits.json")));
        var added = Assert.Single(after.Keys.Except(before.Keys));
        Assert.Equal("test", after[added].Split); // the precondition this seed was chosen for

        // The learning reads the train split's volumes only: its one action is served from the cache.
        var stages = again.Stages.ToDictionary(s => s.StageId);
        Assert.Equal((1, 0, 1), (stages["harmonise-1-normalise-learn"].Total, stages["harmonise-1-normalise-learn"].Executed, stages["harmonise-1-normalise-learn"].Cached));
        // The selection looks at the new volume only; the new volume is normalised.
        Assert.Equal(1, stages["harmonise-1-normalise-select"].Executed);
        Assert.Equal(volumes.Count + 1, stages["harmonise-1-normalise"].Total);
        Assert.Equal(landmarks, File.ReadAllBytes(_p.Combine("out", "harmonise", "nyul-landmarks.json")));
        Assert.All(volumes, v => Assert.True(v.Value.AsSpan().SequenceEqual(File.ReadAllBytes(v.Key)), "a volume of an existing patient changed"));
        Assert.Equal(volumes.Count + 1, Directory.GetFiles(_p.Combine("out", "nifti"), "*.nii.gz", SearchOption.AllDirectories).Length);
    }

    private const ulong NewPatientSeed = 99;

    [SkippableFact]
    public void Nyul_learns_its_landmarks_over_the_train_split_only_as_numpy_computes_them_from_dcm2niix_volumes()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        var dcm2niix = Oracle.Require("dcm2niix");
        var result = _p.Build(NyulManifest);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var splits = SplitStage.Read(File.ReadAllBytes(_p.Combine("out", "splits.json")));
        // The published volume of an original series is named by its new UID; its folder is the pseudonym.
        var keyed = new KeyedIdentity(LabelProject.Secret);
        var train = new List<string>();
        var others = new List<string>();
        foreach (var s in _p.Series)
        {
            var uid = keyed.Uid(s.SeriesUid);
            var published = Directory.GetFiles(_p.Combine("out", "nifti"), uid + ".nii.gz", SearchOption.AllDirectories);
            var pseudonym = Path.GetFileName(Path.GetDirectoryName(Assert.Single(published))!);
            var folder = _p.Combine("dcm2niix", (train.Count + others.Count).ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            var run = Oracle.Run(dcm2niix, ["-z", "n", "-b", "n", "-f", "v", "-o", folder, s.Folder]);
            Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
            (splits[pseudonym].Split == "train" ? train : others).Add(Path.Combine(folder, "v.nii"));
        }
        Assert.NotEmpty(train);
        Assert.NotEmpty(others);

        using var learnt = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "harmonise", "nyul-landmarks.json")));
        Assert.Equal("train", learnt.RootElement.GetProperty("Split").GetString());
        Assert.Equal(train.Count, learnt.RootElement.GetProperty("TrainingCount").GetInt32());
        // numpy: the mean scaled landmarks of the train volumes, and of all volumes (which must differ, or the
        // test could not tell the two apart).
        var oracle = Oracle.Run(python, ["-c", """
            import sys, json, nibabel, numpy as np
            p = [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99]
            def scaled(path):
                v = nibabel.load(path).get_fdata().astype(np.float32).ravel()
                fg = v[v > v.astype(np.float64).mean()]
                l = np.percentile(fg, p)
                return 1 + (l - l[0]) / (l[-1] - l[0]) * 99
            train = [a[6:] for a in sys.argv[1:] if a.startswith("train:")]
            every = [a.split(":", 1)[1] for a in sys.argv[1:]]
            print(json.dumps({"train": np.mean([scaled(x) for x in train], axis=0).tolist(),
                              "all": np.mean([scaled(x) for x in every], axis=0).tolist()}))
            """, .. train.Select(t => "train:" + t), .. others.Select(o => "other:" + o)]);
        Assert.True(oracle.ExitCode == 0, oracle.StandardError);
        using var numpy = JsonDocument.Parse(oracle.StandardOutput);
        var expected = numpy.RootElement.GetProperty("train").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var all = numpy.RootElement.GetProperty("all").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.True(expected.Zip(all).Max(x => Math.Abs(x.First - x.Second)) > 1e-2, "the train and all-volume landmarks coincide; the test cannot tell them apart");
        var actual = learnt.RootElement.GetProperty("Standard").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-3, $"landmark {i}: {actual[i]} vs numpy {expected[i]}");
    }
}
