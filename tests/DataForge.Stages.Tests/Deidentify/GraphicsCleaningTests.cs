using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>Clean Graphics (PS3.15 E.3.3): overlays and graphic annotation text, read back by pydicom and judged by dciodvfy.</summary>
public sealed class GraphicsCleaningTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-graphics");

    public void Dispose() => _dir.Dispose();

    private static Deidentifier Deid(string rules, params string[] options) => new(
        DeidPolicy.From(JsonDocument.Parse($$"""{"profile":"basic","options":{{JsonSerializer.Serialize(options)}},"burned_in_regions":{{rules}}}""").RootElement),
        new KeyedIdentity("graphics-secret-0123456789abcdefghij"u8.ToArray()));

    /// <summary>pydicom's MR_small.dcm (64 x 64) with a 32 x 32 overlay at row 5, column 3, all bits set, and text naming the patient.</summary>
    private static DicomFile WithOverlay()
    {
        var input = TestData.PydicomFiles().FirstOrDefault(f => Path.GetFileName(f) == "MR_small.dcm");
        if (input is null) Oracle.RequirePython("pydicom");
        Skip.If(input is null, "MR_small.dcm is not in this pydicom version's test files");
        var file = DicomReader.ReadFile(input!);
        file.Dataset.Add(DicomTags.PatientName, "Doe^Jane").Add(DicomTags.PatientID, "MRN12345")
            .Add(DicomTags.OverlayRows, (ushort)32).Add(DicomTags.OverlayColumns, (ushort)32)
            .Add(DicomTags.OverlayType, "G").Add(DicomTags.OverlayOrigin, (short)5, (short)3)
            .Add(DicomTags.OverlayBitsAllocated, (ushort)1).Add(DicomTags.OverlayBitPosition, (ushort)0)
            .Add(DicomTags.OverlayDescription, "Jane Doe").Add(DicomTags.OverlayLabel, "DOE")
            .Add(DicomTags.OverlayComments, "MRN12345 scan")
            .Add(DicomTags.OverlayData, DicomVR.OW, Enumerable.Repeat((byte)0xFF, 32 * 32 / 8).ToArray());
        return file;
    }

    [SkippableFact]
    public void Without_the_option_the_whole_overlay_plane_goes_and_dciodvfy_finds_nothing_new()
    {
        var input = WithOverlay();
        var result = Deid("[]").Apply(input);
        var tree = StructuredContentTests.Tree(result.File, _dir);
        Assert.Empty(tree.GetProperty("overlays").EnumerateObject());
        Assert.Equal(1, result.Counts["OverlayData"]["removed"]);
        AssertNoNewDciodvfyErrors(input, result.File);
    }

    [SkippableFact]
    public void With_the_option_and_a_rule_the_rectangle_is_cleared_in_overlay_coordinates_and_the_text_is_scrubbed()
    {
        var input = WithOverlay();
        var result = Deid("""[{"modality":"MR","region":[0,0,10,10]}]""", "clean-graphics").Apply(input);
        Assert.Null(LeakGate.Check(result.File, result.RemovedIdentifiers));
        var overlay = StructuredContentTests.Tree(result.File, _dir).GetProperty("overlays").GetProperty("6000");
        var bitmap = overlay.GetProperty("bitmap").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.Equal(32, bitmap.Length);
        // PS3.3 C.9.2.1.2: overlay pixel (r, c), 0-based, lies on image row r + 5 - 1 and column c + 3 - 1.
        for (var r = 0; r < 32; r++)
            for (var c = 0; c < 32; c++)
            {
                var inRule = r + 4 < 10 && c + 2 < 10;
                Assert.True(bitmap[r][c] == (inRule ? 0 : 1), $"overlay pixel ({r}, {c}) is {bitmap[r][c]}");
            }
        Assert.Equal("XXXX XXXX", overlay.GetProperty("description").GetString());
        Assert.Equal("XXXX", overlay.GetProperty("label").GetString());
        Assert.Equal("XXXX scan", overlay.GetProperty("comments").GetString());
        Assert.Contains("[113103]", Dump(result.File));
        AssertNoNewDciodvfyErrors(input, result.File);
    }

    [SkippableFact]
    public void With_the_option_and_no_rule_for_the_device_the_overlay_is_removed_not_passed_through()
    {
        var result = Deid("""[{"modality":"CT","region":[0,0,10,10]}]""", "clean-graphics").Apply(WithOverlay());
        Assert.Empty(StructuredContentTests.Tree(result.File, _dir).GetProperty("overlays").EnumerateObject());
    }

    [SkippableTheory]
    [InlineData(true, "XXXX XXXX XXXX: see arrow")]
    [InlineData(false, "ANONYMIZED")]
    public void Graphic_annotation_text_is_scrubbed_with_the_option_and_replaced_by_the_profile_without(bool option, string expected)
    {
        var input = WithOverlay();
        var text = new DicomDataset().Add(DicomTags.UnformattedTextValue, "Jane Doe MRN12345: see arrow")
            .Add(DicomTags.AnchorPointAnnotationUnits, "PIXEL").Add(DicomTags.AnchorPoint, 10f, 10f).Add(DicomTags.AnchorPointVisibility, "N");
        input.Dataset.Add(DicomTags.GraphicAnnotationSequence,
            new DicomDataset().Add(DicomTags.GraphicLayer, "LAYER1").Add(DicomTags.TextObjectSequence, text));
        var result = (option ? Deid("[]", "clean-graphics") : Deid("[]")).Apply(input);
        Assert.Null(LeakGate.Check(result.File, result.RemovedIdentifiers));
        var texts = StructuredContentTests.Tree(result.File, _dir).GetProperty("graphic_texts");
        Assert.Equal(expected, Assert.Single(texts.EnumerateArray()).GetString());
    }

    private string Dump(DicomFile file)
    {
        var path = _dir.Combine($"{Guid.NewGuid():N}.dcm");
        file.Save(path);
        return Oracle.Run(Oracle.Require("dcmdump"), [path]).StandardOutput;
    }

    private void AssertNoNewDciodvfyErrors(DicomFile input, DicomFile output)
    {
        var dciodvfy = Oracle.Require("dciodvfy");
        var before = _dir.Combine($"{Guid.NewGuid():N}.dcm");
        var after = _dir.Combine($"{Guid.NewGuid():N}.dcm");
        input.Save(before);
        output.Save(after);
        Assert.Empty(Dciodvfy.Errors(dciodvfy, after).Except(Dciodvfy.Errors(dciodvfy, before)));
    }
}
