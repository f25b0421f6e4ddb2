using DataForge.Dicom;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Volumes;

/// <summary>A synthetic corpus (one patient, one CT axial and one MR sagittal series) and the files of each series.</summary>
internal sealed class SeriesFixture : IDisposable
{
    public SeriesFixture(int slices = 6, int matrix = 16)
    {
        Root = new TempDirectory("dataforge-volume");
        SynthWriter.Write(Root.Combine("raw"), new SynthOptions { Patients = 1, Slices = slices, Matrix = matrix });
    }

    public TempDirectory Root { get; }

    /// <summary>The folder holding the series of a modality.</summary>
    public string SeriesFolder(string modality) =>
        Directory.GetDirectories(Root.Combine("raw"), "*", SearchOption.AllDirectories)
            .Single(d => Path.GetFileName(Path.GetDirectoryName(d)!).EndsWith("_" + modality, StringComparison.Ordinal));

    /// <summary>The files of a series' folder, read.</summary>
    public List<DicomFile> Files(string modality) =>
        Directory.GetFiles(SeriesFolder(modality), "*.dcm").Order(StringComparer.Ordinal).Select(f => DicomFile.Open(f)).ToList();

    public void Dispose() => Root.Dispose();
}
