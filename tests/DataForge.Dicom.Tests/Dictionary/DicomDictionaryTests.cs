using System.Text.Json;
using DataForge.Dicom.Dictionary;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Dictionary;

public class DicomDictionaryTests
{
    [SkippableFact]
    public void Every_row_of_the_standards_attributes_json_is_found_with_its_keyword_VR_VM_and_retired_flag()
    {
        var path = Path.Combine(TestData.DicomStandardData, "attributes.json");
        Skip.IfNot(File.Exists(path), "the standard's data is not beside the repository");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var rows = 0;
        foreach (var row in doc.RootElement.EnumerateArray())
        {
            rows++;
            var tagText = row.GetProperty("tag").GetString()!;
            // Repeating digits (PS3.5 7.6) take 2, an even digit inside every range that no exact row uses.
            var tag = DicomTag.Parse(tagText.Replace('X', '2').Replace('x', '2'));
            var entry = DicomDictionary.Standard.Find(tag);
            Assert.True(entry is not null, $"{tagText} not found");
            Assert.Equal(row.GetProperty("keyword").GetString(), entry!.Keyword);
            Assert.Equal(row.GetProperty("valueMultiplicity").GetString(), entry.ValueMultiplicity);
            Assert.Equal(row.GetProperty("retired").GetString() == "Y", entry.IsRetired);
            var vr = row.GetProperty("valueRepresentation").GetString()!;
            if (vr.Length == 2) Assert.Equal(vr, entry.VR.Code);
        }
        Assert.Equal(rows, DicomDictionary.Standard.Count);
    }

    [Theory]
    [InlineData(0x6000, 0x3000, "OverlayData")]
    [InlineData(0x601E, 0x3000, "OverlayData")]
    [InlineData(0x5002, 0x3000, "CurveData")]
    [InlineData(0x7F02, 0x0010, "VariablePixelData")]
    public void Repeating_groups_resolve_for_every_even_group_of_the_range(ushort group, ushort element, string keyword) =>
        Assert.Equal(keyword, DicomDictionary.Standard.Find(new DicomTag(group, element))?.Keyword);

    [Fact]
    public void Odd_groups_never_match_a_repeating_group_because_they_are_private() =>
        Assert.Null(DicomDictionary.Standard.Find(new DicomTag(0x6001, 0x3000)));

    [Fact]
    public void Implicit_VR_is_UL_for_group_lengths_LO_for_private_creators_and_UN_for_unknown_private_data()
    {
        var d = DicomDictionary.Standard;
        Assert.Equal(DicomVR.UL, d.ImplicitVR(new DicomTag(0x0009, 0x0000)));
        Assert.Equal(DicomVR.LO, d.ImplicitVR(new DicomTag(0x0009, 0x0010)));
        Assert.Equal(DicomVR.UN, d.ImplicitVR(new DicomTag(0x0009, 0x1010)));
        Assert.Equal(DicomVR.PN, d.ImplicitVR(DicomTags.PatientName));
        Assert.True(d.Find(DicomTags.SmallestImagePixelValue)!.IsAmbiguous);
    }
}
