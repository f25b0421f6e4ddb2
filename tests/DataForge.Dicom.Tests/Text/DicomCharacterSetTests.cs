using System.Text.Json;
using DataForge.Dicom.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Text;

/// <summary>
/// Values encoded under each Specific Character Set DataForge supports decode to what pydicom decodes. The inputs
/// are synthetic byte strings (names in each script, ISO 2022 escapes as in PS3.5 Annexes H, I and J).
/// </summary>
public class DicomCharacterSetTests
{
    public static TheoryData<string, string, string> Samples() => new()
    {
        { "ISO_IR 6", "PN", "446f655e4a6f686e" },
        { "ISO_IR 100", "PN", "4275635e4ae972f46d65" },
        { "ISO_IR 101", "PN", "5761b3ea73615e4c656368" },
        { "ISO_IR 109", "PN", "a1616269625ed56f72f5" },
        { "ISO_IR 110", "PN", "d3ba6e69f1b95ec0626f6c73" },
        { "ISO_IR 144", "PN", "bbeeda6365dcd17970d3" },
        { "ISO_IR 127", "PN", "e2c8c7e6ea5ee4e6d2c7d1" },
        { "ISO_IR 126", "PN", "c4e9efedf5f3e9eff2" },
        { "ISO_IR 138", "PN", "f9f8e5ef5ee3e1e5f8e4" },
        { "ISO_IR 148", "PN", "c7656c696b5edefc6b72fc" },
        { "ISO_IR 166", "LO", "bbc3d0e0b7c8e4b7c2" },
        { "ISO_IR 13", "PN", "d4cfc0de5ec0dbb3" },
        { "ISO_IR 192", "PN", "57616e675e5869616f446f6e673de78e8b5ee5b08fe69db1" },
        { "GB18030", "PN", "57616e675e5869616f446f6e673dcdf55ed0a1b6ab" },
        { "\\ISO 2022 IR 87", "PN", "59616d6164615e5461726f753d1b24423b3345441b28425e1b244242404f3a1b28423d1b24422464245e24401b28425e1b2442243f246d24261b2842" },
        { "ISO 2022 IR 13\\ISO 2022 IR 87", "PN", "d4cfc0de5ec0dbb33d1b24423b3345441b284a5e1b244242404f3a1b284a3d1b24422464245e24401b284a5e1b2442243f246d24261b284a" },
        { "\\ISO 2022 IR 149", "PN", "486f6e675e47696c646f6e673d1b242943fbf35e1b242943d1ced4d73d1b242943c8ab5e1b242943b1e6b5bf" },
        { "\\ISO 2022 IR 87", "LO", "546f6b796f5c1b2442456c357e1b28425c4f73616b61" },
        { "ISO 2022 IR 100", "PN", "4275635e4ae972f46d65" },
    };

    /// <summary>pydicom's decoding of every sample, from one run of Oracles/pydicom_decode.py.</summary>
    private static readonly Lazy<Dictionary<(string, string, string), string>> PydicomDecodings = new(() =>
    {
        var samples = Samples().Select(row => ((string)row[0], (string)row[1], (string)row[2])).ToList();
        var input = string.Concat(samples.Select(x => JsonSerializer.Serialize(new { terms = x.Item1.Split('\\'), vr = x.Item2, hex = x.Item3 }) + "\n"));
        var result = Oracle.Run(Oracle.DebianPython, [Path.Combine(Path.GetDirectoryName(PydicomOracle.Script)!, "pydicom_decode.py")], standardInput: input);
        if (result.ExitCode != 0) throw new InvalidOperationException("pydicom_decode.py failed: " + result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return samples.Select((x, i) => (x, JsonSerializer.Deserialize<string>(lines[i])!)).ToDictionary(p => p.x, p => p.Item2);
    });

    [SkippableTheory]
    [MemberData(nameof(Samples))]
    public void Text_decodes_as_pydicom_decodes_it(string terms, string vr, string hex)
    {
        PydicomOracle.Require();
        var expected = PydicomDecodings.Value[(terms, vr, hex)];

        var ds = new DicomDataset();
        ds.Add(new DicomElement(DicomTags.SpecificCharacterSet, DicomVR.CS, System.Text.Encoding.ASCII.GetBytes(terms)));
        var tag = vr == "PN" ? DicomTags.PatientName : DicomTags.PatientID;
        ds.Add(new DicomElement(tag, DicomVR.Parse(vr), Convert.FromHexString(hex)));
        Assert.Equal(expected, ds.GetString(tag));
        Assert.Empty(ds.CharacterSet.UnknownTerms);
    }

    [Fact]
    public void Items_inherit_the_character_set_of_the_dataset_that_holds_their_sequence()
    {
        var item = new DicomDataset();
        item.Add(new DicomElement(DicomTags.PatientName, DicomVR.PN, Convert.FromHexString("4275635e4ae972f46d65")));
        var ds = new DicomDataset().Add(DicomTags.SpecificCharacterSet, "ISO_IR 100").Add(DicomTags.OtherPatientIDsSequence, item);
        Assert.Equal("Buc^Jérôme", ds.GetSequence(DicomTags.OtherPatientIDsSequence)!.Items[0].GetString(DicomTags.PatientName));
    }

    /// <summary>
    /// pydicom 2.3 writes a Korean value with one ESC $ ) C at its start, also when it has several lines, and then reads
    /// the later lines as Latin-1 (PS3.5 6.1.2.5.3 makes the initial set, which has no G1, active after CR LF). High
    /// bytes with no G1 set in force can only be meant in the last one designated: read so, a name on the second line
    /// is a name that cleaning and the leak gate see, not Latin-1 letters that carry its bytes through.
    /// </summary>
    [Fact]
    public void A_G1_set_designated_once_holds_on_the_later_lines_of_a_value()
    {
        var ds = new DicomDataset();
        ds.Add(new DicomElement(DicomTags.SpecificCharacterSet, DicomVR.CS, "\\ISO 2022 IR 149 "u8.ToArray()));
        ds.Add(new DicomElement(DicomTags.ImageComments, DicomVR.LT, Convert.FromHexString("1b242943c8e4bace0d0ab1e6b5bf")));
        Assert.Equal("흉부\r\n길동", ds.GetString(DicomTags.ImageComments));
        // An initial set with its own G1 (ISO 8859-1 here) is active again after the line end, as the standard says.
        ds.Add(new DicomElement(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO 2022 IR 100\\ISO 2022 IR 126 "u8.ToArray()));
        ds.Add(new DicomElement(DicomTags.ImageComments, DicomVR.LT, Convert.FromHexString("1b2d46c40d0ac4")));
        Assert.Equal("Δ\r\nÄ", ds.GetString(DicomTags.ImageComments));
    }

    [Fact]
    public void JIS_X_0212_characters_decode_to_the_replacement_character_not_to_a_wrong_one()
    {
        // "Hamada^" then ESC $ ( D and one JIS X 0212 character (row 16, cell 1), then ESC ( B.
        var ds = new DicomDataset();
        ds.Add(new DicomElement(DicomTags.SpecificCharacterSet, DicomVR.CS, "\\ISO 2022 IR 159"u8.ToArray()));
        ds.Add(new DicomElement(DicomTags.PatientName, DicomVR.PN, Convert.FromHexString("48616d6164615e1b24284430211b2842")));
        Assert.Equal("Hamada^\uFFFD", ds.GetString(DicomTags.PatientName));
    }
}
