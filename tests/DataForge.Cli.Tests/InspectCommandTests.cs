using System.Text.Json;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

public sealed class InspectCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _file;

    public InspectCommandTests()
    {
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 1, Slices = 2, Matrix = 16, Modalities = ["CT"] });
        _file = Path.GetRelativePath(_dir.Path, Directory.GetFiles(_dir.Combine("raw"), "IM0001.dcm", SearchOption.AllDirectories).Single());
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_dicom_file_is_dumped_with_nested_sequences_indented()
    {
        var result = CliRunner.Run(_dir.Path, "inspect", _file);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("(0010,0010) PN [MUSTERMANN^ERIKA]", result.Out);
        Assert.Matches(@"\n +\(0010,0010\) PN \[MUSTERMANN\^E\]", result.Out);
    }

    [Fact]
    public void A_private_element_of_an_implicit_vr_file_is_shown_with_its_creator_s_vr()
    {
        // Implicit VR says no VR: (0019,1023) takes DS from the private dictionary by its creator GEMS_ACQU_01.
        var ds = new DataForge.Dicom.DicomDataset()
            .Add(DataForge.Dicom.DicomTags.Modality, "CT")
            .Add(new DataForge.Dicom.DicomElement(new DataForge.Dicom.DicomTag(0x0019, 0x0010), DataForge.Dicom.DicomVR.LO, "GEMS_ACQU_01"u8.ToArray()))
            .Add(new DataForge.Dicom.DicomElement(new DataForge.Dicom.DicomTag(0x0019, 0x1023), DataForge.Dicom.DicomVR.DS, "5.0 "u8.ToArray()));
        DataForge.Dicom.DicomFile.Create(ds, "1.2.840.10008.5.1.4.1.1.2", "1.2.826.0.1.3680043.2.1125.3", DataForge.Dicom.DicomTransferSyntax.ImplicitVRLittleEndian)
            .Save(_dir.Combine("implicit.dcm"));
        var result = CliRunner.Run(_dir.Path, "inspect", "implicit.dcm");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("(0019,1023) DS [5.0]", result.Out);
        using var json = JsonDocument.Parse(CliRunner.Run(_dir.Path, "inspect", "implicit.dcm", "--json").Out);
        Assert.Equal("DS", json.RootElement.GetProperty("00191023").GetProperty("vr").GetString());
    }

    [Fact]
    public void Json_is_the_dicom_json_model()
    {
        var result = CliRunner.Run(_dir.Path, "inspect", _file, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var name = doc.RootElement.GetProperty("00100010");
        Assert.Equal("PN", name.GetProperty("vr").GetString());
        Assert.Equal("MUSTERMANN^ERIKA", name.GetProperty("Value")[0].GetProperty("Alphabetic").GetString());
        Assert.Equal("SQ", doc.RootElement.GetProperty("04000561").GetProperty("vr").GetString());
    }

    [Fact]
    public void A_file_that_is_not_dicom_gives_one_line_with_the_offset_and_exit_one()
    {
        _dir.WriteText("notes.txt", "hello");
        var result = CliRunner.Run(_dir.Path, "inspect", "notes.txt");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("dataforge: notes.txt: not readable as DICOM at byte 0:", result.Error);
        Assert.Single(result.ErrorLines);
    }

    [SkippableFact]
    public void A_nifti_header_is_shown_with_its_affine()
    {
        var nifti = TestData.FilesUnder("/usr/lib/python3/dist-packages/nibabel/tests/data", "example4d.nii.gz").FirstOrDefault();
        if (nifti is null) Oracle.RequirePython("nibabel");
        Skip.If(nifti is null, "nibabel's example4d.nii.gz is not installed");
        var result = CliRunner.Run(_dir.Path, "inspect", nifti!, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal([128, 96, 24, 2], doc.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.Equal(4, doc.RootElement.GetProperty("affine").GetArrayLength());
    }
}
