using System.Text.Json;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Harmonise;

public sealed class HarmonisePipelineTests : IDisposable
{
    private static readonly byte[] Secret = "test-secret-0123456789abcdef-xyz"u8.ToArray();
    private readonly TempDirectory _project = new("dataforge-harmonise");

    public void Dispose() => _project.Dispose();

    private const string Head = """
        version: 1
        name: harmonise-test
        sources:
          - {id: raw, kind: dicom, path: raw}
        deidentify:
          profile: basic
          options: [retain-longitudinal-modified-dates]
        """;

    private BuildResult Build(string harmonise, string output = "out")
    {
        var text = Head + $"\noutput:\n  path: {output}\n  layout: nifti\n" + (harmonise.Length > 0 ? "harmonise:\n" + harmonise : "");
        var loaded = ManifestModules.Loader().LoadText(text, "dataforge.yaml", _project.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        var pipeline = PipelineFactory.Create(loaded.Manifest!, Secret);
        var engine = new BuildEngine(PipelineFactory.Layout(loaded.Manifest!));
        return engine.Build(pipeline, new BuildOptions { Jobs = 2 });
    }

    private static Dictionary<string, int> Executed(BuildResult result) => result.Stages.ToDictionary(s => s.StageId, s => s.Executed);

    private string[] Published(string output = "out") =>
        Directory.GetFiles(_project.Combine(output), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_project.Combine(output), f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();

    private const string Steps = """
          - reorient: LPS
          - resample: {spacing: [2, 2, 2], interpolation: linear}
          - crop_or_pad: {shape: [10, 9, 4]}
          - normalise: {method: zscore}

        """;

    [Fact]
    public void Each_step_is_a_stage_and_a_changed_parameter_reruns_that_step_and_the_later_ones_only()
    {
        SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 1, Slices = 6, Matrix = 16 });
        var first = Build(Steps);
        Assert.Equal([], first.Failures.Select(f => f.ToString()));
        Assert.Equal(["dicom.screen.raw", "dicom.screening-report", "deidentify", "deidentification-report", "volume", "harmonise-1-reorient", "harmonise-2-resample", "harmonise-3-crop-or-pad", "harmonise-4-normalise"],
            first.Stages.Select(s => s.StageId));

        var again = Build(Steps.Replace("[10, 9, 4]", "[10, 9, 3]"));
        Assert.Equal([], again.Failures.Select(f => f.ToString()));
        var executed = Executed(again);
        Assert.Equal(0, executed["deidentify"]);
        Assert.Equal(0, executed["volume"]);
        Assert.Equal(0, executed["harmonise-1-reorient"]);
        Assert.Equal(0, executed["harmonise-2-resample"]);
        Assert.Equal(2, executed["harmonise-3-crop-or-pad"]);
        Assert.Equal(2, executed["harmonise-4-normalise"]);

        // Only the last step publishes: a volume and its sidecar per series, at the volume stage's paths.
        var published = Published().Where(p => p.StartsWith("nifti/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, published.Length);
        Assert.All(published, p => Assert.Matches(@"^nifti/ANON-[A-Z0-9]{10}/2\.25\.[0-9]+\.(nii\.gz|json)$", p));

        // nibabel and numpy: orientation LPS, the cropped shape, z-scored intensities.
        var python = Oracle.RequirePython("nibabel", "numpy");
        var volumes = published.Where(p => p.EndsWith(".nii.gz", StringComparison.Ordinal)).Select(p => _project.Combine("out", p)).ToList();
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "harmonise_checks.py"), "describe", .. volumes]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        foreach (var volume in JsonDocument.Parse(run.StandardOutput).RootElement.EnumerateObject())
        {
            Assert.Equal("LPS", volume.Value.GetProperty("axcodes").GetString());
            Assert.Equal([10, 9, 3], volume.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            Assert.InRange(volume.Value.GetProperty("mean").GetDouble(), -1e-5, 1e-5);
            Assert.InRange(volume.Value.GetProperty("std").GetDouble(), 1 - 1e-5, 1 + 1e-5);
        }

        // Every step's parameters are in the sidecar, in order.
        var sidecar = JsonDocument.Parse(File.ReadAllText(_project.Combine("out", published.First(p => p.EndsWith(".json", StringComparison.Ordinal))))).RootElement;
        var steps = sidecar.GetProperty("Harmonisation").EnumerateArray().ToList();
        Assert.Equal(["reorient", "resample", "crop_or_pad", "normalise"], steps.Select(s => s.GetProperty("step").GetString()));
        Assert.Equal([10, 9, 3], steps[2].GetProperty("parameters").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("zscore", steps[3].GetProperty("parameters").GetProperty("method").GetString());
    }

    [Fact]
    public void Nyul_learns_landmarks_over_all_volumes_publishes_them_and_maps_each_volume_onto_the_standard_scale()
    {
        SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 2, Slices = 6, Matrix = 24, Modalities = ["MR"] });
        var plain = Build("", "plain");
        Assert.Equal([], plain.Failures.Select(f => f.ToString()));
        // Moving output.path cleans the old folder: its files are kept aside for the comparison, then put back.
        Directory.Move(_project.Combine("plain"), _project.Combine("plain.kept"));
        var result = Build("  - normalise: {method: nyul}\n");
        Directory.Move(_project.Combine("plain.kept"), _project.Combine("plain"));
        Assert.Equal([], result.Failures.Select(f => f.ToString()));
        Assert.Equal(["dicom.screen.raw", "dicom.screening-report", "deidentify", "deidentification-report", "volume", "harmonise-1-normalise-learn", "harmonise-1-normalise-landmarks", "harmonise-1-normalise-each", "harmonise-1-normalise"],
            result.Stages.Select(s => s.StageId));
        Assert.Equal(0, Executed(result)["deidentify"]);

        var landmarks = _project.Combine("out", "harmonise", "nyul-landmarks.json");
        var learnt = JsonDocument.Parse(File.ReadAllText(landmarks)).RootElement;
        Assert.Equal(2, learnt.GetProperty("TrainingCount").GetInt32());
        var python = Oracle.RequirePython("nibabel", "numpy");
        var volumes = Published().Where(p => p.EndsWith(".nii.gz", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, volumes.Count);
        foreach (var volume in volumes)
        {
            var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "harmonise_checks.py"), "nyul",
                _project.Combine("plain", volume), _project.Combine("out", volume), landmarks]);
            Assert.True(run.ExitCode == 0, run.StandardError);
            var check = JsonDocument.Parse(run.StandardOutput).RootElement;
            Assert.True(check.GetProperty("checked_voxels").GetInt32() > 100, run.StandardOutput);
            Assert.True(check.GetProperty("max_difference").GetDouble() < 1e-3, run.StandardOutput);
        }
        var standard = learnt.GetProperty("Standard").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(1, standard[0], 9);
        Assert.Equal(100, standard[^1], 9);
    }
}
