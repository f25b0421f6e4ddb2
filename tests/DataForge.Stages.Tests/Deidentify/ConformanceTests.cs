using System.Text.Json;
using DataForge.Dicom.IO;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>De-identification must not make an instance less conformant: dciodvfy (dicom3tools) judges before and after.</summary>
public sealed class ConformanceTests
{
    private static readonly Deidentifier Deid = new(
        DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic","options":["retain-longitudinal-modified-dates","clean-descriptors"]}""").RootElement),
        new KeyedIdentity("conformance-secret-0123456789abcdef"u8.ToArray()));

    [SkippableTheory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small.dcm")]
    [InlineData("rtplan.dcm")]
    [InlineData("rtdose.dcm")]
    [InlineData("test-SR.dcm")]
    [InlineData("SC_rgb_rle.dcm")]
    [InlineData("MR_small_implicit.dcm")]
    [InlineData("MR_small_bigendian.dcm")]
    public void Dciodvfy_reports_no_error_after_de_identification_that_it_did_not_report_before(string name)
    {
        var dciodvfy = Oracle.Require("dciodvfy");
        var input = TestData.PydicomFiles().FirstOrDefault(f => Path.GetFileName(f) == name);
        if (input is null) Oracle.RequirePython("pydicom");
        Skip.If(input is null, $"{name} is not in this pydicom version's test files");
        using var dir = new TempDirectory();
        var output = dir.Combine("out.dcm");
        Deid.Apply(DicomReader.ReadFile(input!)).File.Save(output);

        var before = Dciodvfy.Errors(dciodvfy, input!);
        var after = Dciodvfy.Errors(dciodvfy, output);
        Assert.Empty(after.Except(before));
    }
}
