using System.Text.Json;
using DataForge.Dicom.Dictionary;
using DataForge.Dicom.IO;
using DataForge.Dicom.Tests.Oracles;
using Xunit;

namespace DataForge.Dicom.Tests.Dictionary;

/// <summary>
/// Private elements of implicit VR data take their VR from the private dictionary generated from dcmtk's private.dic,
/// by their creator: on the test files shipped with pydicom and nibabel, fewer are left UN (152 to 124: dcmtk has no
/// "SIEMENS MR HEADER" block), and every VR found is the one pydicom's own private dictionary gives.
/// </summary>
public sealed class PrivateDictionaryTests
{
    [Fact]
    public void A_known_creator_s_element_has_its_vr_wherever_its_block_was_reserved()
    {
        Assert.True(PrivateDictionary.Count > 2000);
        Assert.Equal(DicomVR.DS, PrivateDictionary.Find("GEMS_ACQU_01", 0x0019, 0x23));
        Assert.Equal(DicomVR.DS, PrivateDictionary.Find("GEMS_ACQU_01 ", 0x0019, 0x23));
        Assert.Null(PrivateDictionary.Find("NO SUCH CREATOR", 0x0019, 0x23));
    }

    [Fact]
    public void An_implicit_vr_private_element_is_read_with_its_creator_s_vr_and_an_unknown_one_stays_un()
    {
        // (0019,0010) reserves block 10 for GEMS_ACQU_01; (0019,1023) Table Speed is DS there. (0021,1023) has no creator.
        var bytes = new List<byte>();
        void Element(ushort group, ushort element, string value)
        {
            var data = System.Text.Encoding.ASCII.GetBytes(value.Length % 2 == 1 ? value + " " : value);
            bytes.AddRange(BitConverter.GetBytes(group));
            bytes.AddRange(BitConverter.GetBytes(element));
            bytes.AddRange(BitConverter.GetBytes((uint)data.Length));
            bytes.AddRange(data);
        }
        Element(0x0008, 0x0060, "CT");
        Element(0x0019, 0x0010, "GEMS_ACQU_01");
        Element(0x0019, 0x1023, "5.0");
        Element(0x0021, 0x1023, "5.0");
        var ds = DicomReader.Read([.. bytes]).Dataset;
        Assert.Equal(DicomVR.DS, ds.Get(new DicomTag(0x0019, 0x1023))!.VR);
        Assert.Equal(DicomVR.UN, ds.Get(new DicomTag(0x0021, 0x1023))!.VR);
    }

    [SkippableFact]
    public void Fewer_private_elements_of_the_test_files_are_un_and_every_vr_found_is_pydicom_s()
    {
        PydicomOracle.Require();
        int known = 0, un = 0, found = 0;
        var disagreements = new List<string>();
        foreach (var path in OracleFiles.All)
        {
            var dump = PydicomOracle.Dump(path);
            if (!dump.GetProperty("ok").GetBoolean() || !dump.GetProperty("implicit").GetBoolean()) continue;
            DicomFile read;
            try { read = DicomReader.ReadFile(path); }
            catch (DicomFormatException) { continue; }
            Walk(dump.GetProperty("dataset"), read.Dataset, OracleFiles.ShortName(path));
        }

        void Walk(JsonElement expected, DicomDataset actual, string where)
        {
            foreach (var e in expected.EnumerateArray())
            {
                var hex = e.GetProperty("tag").GetString()!;
                var tag = new DicomTag(Convert.ToUInt16(hex[..4], 16), Convert.ToUInt16(hex[4..], 16));
                var vr = e.GetProperty("vr").GetString()!;
                var a = actual.Get(tag);
                if (a is null) continue;
                if (tag.IsPrivate && !tag.IsPrivateCreator && tag.Element >= 0x1000 && vr != "UN")
                {
                    known++;
                    if (a.VR == DicomVR.UN) un++;
                    else
                    {
                        found++;
                        if (a.VR.Code != vr) disagreements.Add($"{where} {tag}: {a.VR.Code}, pydicom {vr}");
                    }
                }
                if (e.TryGetProperty("items", out var items) && a is DicomSequence seq)
                {
                    var list = items.EnumerateArray().ToList();
                    for (var i = 0; i < Math.Min(list.Count, seq.Items.Count); i++) Walk(list[i], seq.Items[i], where);
                }
            }
        }

        // Before the private dictionary every one of them was UN. dcmtk's private.dic has no block of the creator
        // "SIEMENS MR HEADER", which holds most of the rest (pydicom's dictionary has it).
        Assert.True(known >= 100, $"only {known} private elements with a VR pydicom knows");
        Assert.True(found >= 25 && un + found == known, $"{un} of {known} private elements whose VR pydicom knows are still UN");
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }
}
