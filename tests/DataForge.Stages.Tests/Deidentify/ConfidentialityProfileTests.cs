using System.Text.Json;
using DataForge.Dicom;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

public sealed class ConfidentialityProfileTests
{
    [SkippableFact]
    public void Every_row_of_the_standards_table_is_found_with_its_actions()
    {
        var path = Path.Combine(TestData.DicomStandardData, "confidentiality_profile_attributes.json");
        Skip.IfNot(File.Exists(path), "the standard's data is not beside the repository");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var checkedRows = 0;
        foreach (var row in doc.RootElement.EnumerateArray())
        {
            var tag = row.GetProperty("tag").GetString()!;
            if (tag.Contains("GGGG", StringComparison.Ordinal)) continue;
            var concrete = tag.Replace('X', '0').Replace('x', '0');
            var found = ConfidentialityProfile.Find(DicomTag.Parse(concrete));
            Assert.True(found is not null, tag);
            Assert.Equal(ProfileActions.Parse(row.GetProperty("basicProfile").GetString()!), found!.Basic);
            foreach (var column in ConfidentialityProfile.OptionColumns)
                if (row.TryGetProperty(column, out var action))
                    Assert.Equal(ProfileActions.Parse(action.GetString()!), found.Options[column]);
            checkedRows++;
        }
        Assert.Equal(ConfidentialityProfile.RowCount, checkedRows);
    }

    [Fact]
    public void Repeating_group_rows_match_every_overlay_group()
    {
        Assert.Equal(ProfileAction.Remove, ConfidentialityProfile.Find(new DicomTag(0x6002, 0x3000))!.Basic);
        Assert.Equal(ProfileAction.Remove, ConfidentialityProfile.Find(new DicomTag(0x501E, 0x1234))!.Basic);
        Assert.Null(ConfidentialityProfile.Find(new DicomTag(0x6002, 0x0010)));
    }

    [Theory]
    [InlineData("X/Z", ProfileAction.Empty)]
    [InlineData("X/D", ProfileAction.Dummy)]
    [InlineData("Z/D", ProfileAction.Dummy)]
    [InlineData("X/Z/D", ProfileAction.Dummy)]
    [InlineData("X/Z/U*", ProfileAction.Uid)]
    [InlineData("X", ProfileAction.Remove)]
    public void Compound_actions_of_an_attribute_of_unknown_type_resolve_to_one_that_drops_the_value_and_keeps_conformance(string code, ProfileAction expected) =>
        Assert.Equal(expected, CompoundActions.Resolve(ProfileActions.Parse(code), type: null));

    [Fact]
    public void Options_take_precedence_over_the_basic_profile()
    {
        var element = new DicomElement(DicomTags.StudyDate, DicomVR.DA, "20200101"u8.ToArray());
        var basic = DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic"}""").RootElement);
        var full = DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic","options":["retain-longitudinal-full-dates"]}""").RootElement);
        var modified = DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic","options":["retain-longitudinal-modified-dates"]}""").RootElement);
        Assert.Equal(ConfidentialityProfile.Find(DicomTags.StudyDate)!.Basic, basic.ActionFor(element));
        Assert.Equal(ProfileAction.Keep, full.ActionFor(element));
        Assert.Equal(ProfileAction.Clean, modified.ActionFor(element));
    }

    [Fact]
    public void Unlisted_attributes_are_kept_only_when_they_cannot_carry_identifying_text()
    {
        var policy = DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic"}""").RootElement);
        Assert.Equal(ProfileAction.Keep, policy.ActionFor(new DicomElement(DicomTags.Rows, DicomVR.US, [0, 1])));
        Assert.Equal(ProfileAction.Keep, policy.ActionFor(new DicomElement(DicomTags.ImagePositionPatient, DicomVR.DS, "0\\0\\0 "u8.ToArray())));
        Assert.Equal(ProfileAction.Uid, policy.ActionFor(new DicomElement(DicomTags.FrameOfReferenceUID, DicomVR.UI, "1.2.3\0"u8.ToArray())));
        Assert.Equal(ProfileAction.Remove, policy.ActionFor(new DicomElement(new DicomTag(0x0029, 0x1010), DicomVR.LO, "x "u8.ToArray())));
    }
}
