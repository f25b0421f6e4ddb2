using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Volumes;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Labels;

/// <summary>A synthetic project: CT series in raw/, a manifest from YAML text, built through PipelineFactory.</summary>
public sealed class LabelProject : IDisposable
{
    public static readonly byte[] Secret = "label-secret-0123456789abcdef-xyz"u8.ToArray();
    private readonly TempDirectory _dir = new("dataforge-labels");

    public LabelProject(int patients, int slices = 4, int matrix = 10, IReadOnlyList<string>? modalities = null)
    {
        SynthWriter.Write(Combine("raw"), new SynthOptions { Patients = patients, Slices = slices, Matrix = matrix, Modalities = modalities ?? ["CT"] });
        Series = Directory.GetDirectories(Combine("raw"), "*", SearchOption.AllDirectories)
            .Where(d => Directory.GetFiles(d, "*.dcm").Length > 0)
            .Order(StringComparer.Ordinal)
            .Select(d =>
            {
                var ds = DicomReader.ReadFile(Directory.GetFiles(d, "*.dcm")[0]).Dataset;
                return new OriginalSeries(d, ds.GetString(DicomTags.PatientID)!.Trim(), ds.GetString(DicomTags.IssuerOfPatientID)?.Trim() ?? "",
                    ds.GetString(DicomTags.SeriesInstanceUID)!.Trim());
            }).ToList();
    }

    /// <summary>The original series (PHI side), in folder order.</summary>
    public IReadOnlyList<OriginalSeries> Series { get; }

    public string Root => _dir.Path;

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public void Write(string relative, string text) => _dir.WriteText(relative, text);

    /// <summary>Loads the manifest text (must validate) and builds it.</summary>
    public BuildResult Build(string yaml)
    {
        File.WriteAllText(Combine("dataforge.yaml"), yaml);
        var loaded = ManifestModules.Loader().Load(Combine("dataforge.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        var manifest = loaded.Manifest!;
        var engine = new BuildEngine(PipelineFactory.Layout(manifest));
        return engine.Build(PipelineFactory.Create(manifest, Secret), new BuildOptions { Jobs = 2 });
    }

    /// <summary>
    /// Edits the files of the project's one series with Oracles/edit_series.py (pydicom): <paramref name="mode"/> and its
    /// arguments as the script takes them (e.g. <c>echo2 40</c>: every slice copied 40 mm to the left as echo 2). Returns the series.
    /// </summary>
    public OriginalSeries EditSeries(string python, string mode, params string[] arguments)
    {
        var series = Assert.Single(Series);
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "edit_series.py"), mode, series.Folder, .. arguments]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return series;
    }

    /// <summary>The series stacked as the volume stage stacks it (same grid as the de-identified copy).</summary>
    public static Volume Stack(OriginalSeries series)
    {
        var files = Directory.GetFiles(series.Folder, "*.dcm").Select(f => DicomReader.ReadFile(f)).ToList();
        var result = SeriesVolumeBuilder.Build(files);
        Assert.False(result.IsFailure, result.FailureReason);
        return result.Volume!;
    }

    /// <summary>A mask of the voxels above <paramref name="threshold"/> (value <paramref name="label"/>), on the series' grid.</summary>
    public static Volume Threshold(Volume image, float threshold, byte label = 1)
    {
        var values = image.ToSingles();
        var data = values.Select(v => v > threshold ? label : (byte)0).ToArray();
        return new Volume(image.Shape.Take(3).ToArray(), data, image.Affine);
    }

    public static void WriteMask(Volume mask, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        NiftiWriter.Write(mask, path);
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>An original series: its folder and identifiers (never written to outputs).</summary>
public sealed record OriginalSeries(string Folder, string PatientId, string Issuer, string SeriesUid);
