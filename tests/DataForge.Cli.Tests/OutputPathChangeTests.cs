using System.Security.Cryptography;
using DataForge.Dicom.IO;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Volumes;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>Moving output.path, with or without another layout, through the command line: every ordered pair of layouts.</summary>
public sealed class OutputPathChangeTests : IDisposable
{
    private static readonly string[] Layouts = ["dicom", "nifti", "png", "nnunet", "monai", "coco"];

    private static readonly Dictionary<string, string> Secret = new() { ["DATAFORGE_SECRET"] = "path-change-secret-path-change-secret" };

    private readonly TempDirectory _dir = new("dataforge-cli-path");

    public void Dispose() => _dir.Dispose();

    /// <summary>The manifest for one layout in one folder; nnU-Net trains on masks, PNG and COCO need slices of CT and MR.</summary>
    private void WriteManifest(string layout, string folder)
    {
        var nnunet = layout == "nnunet";
        var png = layout is "png" or "coco" ? ", png: {slices: true}" : "";
        _dir.WriteText("dataforge.yaml", $$"""
            version: 1
            name: path-change
            secret: env:DATAFORGE_SECRET
            sources:
              - {id: scans, kind: dicom, path: raw}
            {{(nnunet ? "  - {id: seg, kind: labels, path: masks, format: nifti-mask, key: SeriesInstanceUID}" : "")}}
            deidentify: {profile: basic}
            {{(nnunet ? "labels:\n  classes: [{id: 0, name: background}, {id: 1, name: body}]\n  annotations:\n    - {name: body, kind: mask, source: seg}" : "")}}
            splits:
              ratios: {train: 0.5, test: 0.5}
              seed: 4
            output: {path: {{folder}}, layout: {{layout}}{{png}}}
            """);
    }

    /// <summary>A body mask (above -500 HU) for every CT series, named by its series UID, as nnU-Net's layout needs.</summary>
    private void WriteMasks()
    {
        Directory.CreateDirectory(_dir.Combine("masks"));
        foreach (var folder in Directory.GetDirectories(_dir.Combine("raw"), "*", SearchOption.AllDirectories).Where(d => Directory.GetFiles(d, "*.dcm").Length > 0))
        {
            var files = Directory.GetFiles(folder, "*.dcm").Select(f => DicomReader.ReadFile(f)).ToList();
            if (files[0].Dataset.GetString(Dicom.DicomTags.Modality)?.Trim() != "CT") continue;
            var volume = SeriesVolumeBuilder.Build(files).Volume!;
            var mask = new Volume(volume.Shape.Take(3).ToArray(), volume.ToSingles().Select(v => v > -500 ? (byte)1 : (byte)0).ToArray(), volume.Affine);
            NiftiWriter.Write(mask, _dir.Combine("masks", files[0].Dataset.GetString(Dicom.DicomTags.SeriesInstanceUID)!.Trim() + ".nii.gz"));
        }
    }

    private Dictionary<string, string> Files(string folder) =>
        Directory.Exists(_dir.Combine(folder))
            ? Directory.EnumerateFiles(_dir.Combine(folder), "*", SearchOption.AllDirectories).ToDictionary(
                f => Path.GetRelativePath(_dir.Combine(folder), f).Replace('\\', '/'), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal)
            : [];

    /// <summary>An Euler circuit of the complete directed graph on the layouts with loops: every ordered pair, each once.</summary>
    private static List<string> EveryPair()
    {
        var unused = Layouts.ToDictionary(a => a, a => new Stack<string>(Layouts.Reverse()), StringComparer.Ordinal);
        var stack = new Stack<string>([Layouts[0]]);
        var circuit = new List<string>();
        while (stack.Count > 0)
        {
            if (unused[stack.Peek()].TryPop(out var next)) stack.Push(next);
            else circuit.Add(stack.Pop());
        }
        circuit.Reverse();
        return circuit;
    }

    [Fact]
    public void Every_pair_of_layouts_survives_a_moved_output_folder_and_the_old_folder_keeps_only_the_users_files()
    {
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 2, Slices = 2, Matrix = 8 });
        WriteMasks();
        var sequence = EveryPair();
        Assert.Equal(Layouts.Length * Layouts.Length + 1, sequence.Count);
        var expected = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        string? previous = null;
        for (var step = 0; step < sequence.Count; step++)
        {
            var (layout, folder) = (sequence[step], $"out-{step}");
            WriteManifest(layout, folder);

            var build = CliRunner.Run(_dir.Path, Secret, "build");

            var pair = previous is null ? layout : $"{sequence[step - 1]} in {previous} -> {layout} in {folder}";
            Assert.True(build.ExitCode == 0, $"{pair}: exit {build.ExitCode}\n{build.Out}\n{build.Error}");
            Assert.DoesNotContain("internal error", build.Error, StringComparison.Ordinal);
            var files = Files(folder);
            Assert.NotEmpty(files);
            // The same layout gives the same files wherever it is written.
            if (expected.TryGetValue(layout, out var first)) Assert.Equal(first, files);
            else expected[layout] = files;
            if (previous is not null)
                Assert.Equal(["mine.txt"], Files(previous).Keys);
            // A file of the user's own in the folder: it stays when the outputs move on.
            _dir.WriteText(Path.Combine(folder, "mine.txt"), "the user's notes");
            previous = folder;
        }
        // And the status of the last folder is clean: nothing left to restore or remove.
        Assert.Contains("up to date", CliRunner.Run(_dir.Path, Secret, "status").Out);
    }

    [Fact]
    public void Changing_the_layout_in_the_same_folder_removes_the_old_layouts_files_only()
    {
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 2, Slices = 2, Matrix = 8 });
        WriteManifest("dicom", "out");
        Assert.Equal(0, CliRunner.Run(_dir.Path, Secret, "build").ExitCode);
        _dir.WriteText(Path.Combine("out", "dicom", "README.txt"), "mine");

        WriteManifest("nifti", "out");
        var build = CliRunner.Run(_dir.Path, Secret, "build");

        Assert.True(build.ExitCode == 0, build.Error);
        var files = Files("out").Keys.ToList();
        Assert.Contains("dicom/README.txt", files);
        Assert.DoesNotContain(files, f => f.EndsWith(".dcm", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".nii.gz", StringComparison.Ordinal));
    }
}
