using System.Text;
using Xunit;

namespace DataForge.Dicom.Tests.Text;

/// <summary>
/// A dataset parses its Specific Character Set once and reuses it, yet a replaced (0008,0005), in the dataset or in
/// the one enclosing an item, decodes the values read after it (the decoders are .NET's own encodings).
/// </summary>
public class CharacterSetCacheTests
{
    private static readonly byte[] Utf8Name = Encoding.UTF8.GetBytes("Müller^Jörg");

    [Fact]
    public void Replacing_the_specific_character_set_changes_how_values_decode()
    {
        var ds = new DicomDataset().Add(DicomTags.SpecificCharacterSet, "ISO_IR 192");
        ds.Add(DicomTags.PatientName, DicomVR.PN, Utf8Name);
        Assert.Equal("Müller^Jörg", ds.GetString(DicomTags.PatientName));

        ds.Add(DicomTags.SpecificCharacterSet, "ISO_IR 100");

        Assert.Equal(Encoding.Latin1.GetString(Utf8Name), ds.GetString(DicomTags.PatientName));
        Assert.Equal(["ISO_IR 100"], ds.CharacterSet.Terms);
    }

    [Fact]
    public void An_item_follows_a_change_of_the_enclosing_datasets_character_set()
    {
        var item = new DicomDataset();
        item.Add(DicomTags.PersonName, DicomVR.PN, Utf8Name);
        var ds = new DicomDataset().Add(DicomTags.SpecificCharacterSet, "ISO_IR 100").Add(DicomTags.ContentSequence, item);
        var inner = Assert.Single(Assert.IsType<DicomSequence>(ds.Get(DicomTags.ContentSequence)).Items);
        Assert.Equal(Encoding.Latin1.GetString(Utf8Name), inner.GetString(DicomTags.PersonName));

        ds.Add(DicomTags.SpecificCharacterSet, "ISO_IR 192");

        Assert.Equal("Müller^Jörg", inner.GetString(DicomTags.PersonName));
    }
}
