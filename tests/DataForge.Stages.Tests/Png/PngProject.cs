using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Stages.Deidentify;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Png;

/// <summary>
/// A project of 2D images for the png and coco layouts: synthetic CT slices and pydicom's test files
/// turned into CR (MONOCHROME1, no window), DX (sigmoid window) and US (RGB, RLE; YBR_FULL_422; two
/// frames). Builds a manifest through PipelineFactory.
/// </summary>
public sealed class PngProject : IDisposable
{
    public static readonly byte[] Secret = "png-secret-0123456789abcdef-xyz!"u8.ToArray();
    private const string PydicomFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private readonly TempDirectory _dir = new("dataforge-png");

    public PngProject(bool ct = true)
    {
        if (ct) SynthWriter.Write(Combine("raw", "ct"), new SynthOptions { Patients = 1, Slices = 3, Matrix = 10, Modalities = ["CT"] });
        Directory.CreateDirectory(Combine("raw", "2d"));
        Derive("CT_small.dcm", "cr.dcm", ds =>
        {
            ds.Add(DicomTags.Modality, "CR");
            ds.Add(DicomTags.PhotometricInterpretation, "MONOCHROME1");
            ds.Remove(DicomTags.WindowCenter);
            ds.Remove(DicomTags.WindowWidth);
            ds.Remove(DicomTags.PixelSpacing);
            ds.Add(DicomTags.ImagerPixelSpacing, "0.25", "0.5");
        });
        Derive("MR_small.dcm", "dx.dcm", ds =>
        {
            ds.Add(DicomTags.Modality, "DX");
            ds.Add(DicomTags.VOILUTFunction, "SIGMOID");
        });
        Derive("SC_rgb_rle.dcm", "us-rgb.dcm", ds => ds.Add(DicomTags.Modality, "US"));
        Derive("SC_ybr_full_422_uncompressed.dcm", "us-ybr.dcm", ds => ds.Add(DicomTags.Modality, "US"));
        Derive("SC_rgb_rle_2frame.dcm", "us-cine.dcm", ds => ds.Add(DicomTags.Modality, "US"));
    }

    public string Root => _dir.Path;

    public string Combine(params string[] parts) => _dir.Combine(parts);

    /// <summary>Every DICOM input with the SOP Instance UID de-identification gives it (the same keyed map).</summary>
    public IReadOnlyList<(string Path, string Sop, string Modality)> Inputs()
    {
        var keys = new KeyedIdentity(Secret);
        return Directory.GetFiles(Combine("raw"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => DicomReader.ReadFile(f).Dataset)
            .Zip(Directory.GetFiles(Combine("raw"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            .Select(x => (x.Second, keys.Uid(x.First.GetString(DicomTags.SOPInstanceUID)!.Trim()), x.First.GetString(DicomTags.Modality)!.Trim()))
            .ToList();
    }

    /// <summary>Loads the manifest text (must validate) and builds it.</summary>
    public BuildResult Build(string yaml)
    {
        File.WriteAllText(Combine("dataforge.yaml"), yaml);
        var loaded = ManifestModules.Loader().Load(Combine("dataforge.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        var manifest = loaded.Manifest!;
        return new BuildEngine(PipelineFactory.Layout(manifest)).Build(PipelineFactory.Create(manifest, Secret), new BuildOptions { Jobs = 2 });
    }

    private void Derive(string name, string target, Action<DicomDataset> edit)
    {
        var source = Path.Combine(PydicomFiles, name);
        if (!File.Exists(source)) return; // the oracle tests skip (or fail under CI) without pydicom
        var file = DicomReader.ReadFile(source);
        edit(file.Dataset);
        file.Save(Combine("raw", "2d", target));
    }

    public void Dispose() => _dir.Dispose();
}
