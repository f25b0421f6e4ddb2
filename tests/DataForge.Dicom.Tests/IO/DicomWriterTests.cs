using DataForge.Dicom.IO;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.IO;

public class DicomWriterTests
{
    public static TheoryData<string> UncompressedSyntaxes() =>
    [
        DicomTransferSyntax.ImplicitVRLittleEndian.Uid,
        DicomTransferSyntax.ExplicitVRLittleEndian.Uid,
        DicomTransferSyntax.ExplicitVRBigEndian.Uid,
        DicomTransferSyntax.DeflatedExplicitVRLittleEndian.Uid,
    ];

    [Fact]
    public void A_created_file_starts_with_preamble_DICM_and_a_correct_meta_group_length()
    {
        var file = DicomFile.Create(SyntheticDatasets.Image(), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.3.4.5");
        var bytes = file.ToBytes();
        Assert.All(bytes[..128], b => Assert.Equal(0, b));
        Assert.Equal("DICM"u8.ToArray(), bytes[128..132]);
        // (0002,0000) UL 4 <length>: the value counts the bytes of the rest of group 0002 (PS3.10 7.1).
        var groupLength = BitConverter.ToUInt32(bytes, 140);
        var afterMeta = 144 + (int)groupLength;
        Assert.Equal(0x0008, BitConverter.ToUInt16(bytes, afterMeta));
        Assert.Equal(0x0002, BitConverter.ToUInt16(bytes, afterMeta - 8 - 12));
    }

    [Theory]
    [MemberData(nameof(UncompressedSyntaxes))]
    public void Writing_then_reading_gives_the_same_dataset_and_the_same_bytes(string uid)
    {
        var syntax = DicomTransferSyntax.FromUid(uid);
        var file = DicomFile.Create(SyntheticDatasets.Image(), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.3.4.5", syntax);
        var bytes = file.ToBytes();
        var read = DicomReader.Read(bytes);
        Assert.Equal(uid, read.TransferSyntax.Uid);
        Assert.Equal("Müller^Jürgen", read.Dataset.GetString(DicomTags.PatientName));
        Assert.Equal(["DERIVED", "SECONDARY"], read.Dataset.GetStrings(DicomTags.ImageType));
        Assert.Equal(33.5, read.Dataset.GetNumber(DicomTags.FrameTime));
        Assert.Equal(3.0, read.Dataset.GetNumber(DicomTags.Rows));
        var item = read.Dataset.GetSequence(DicomTags.ReferencedImageSequence)!.Items[0];
        Assert.Equal("Head", item.GetSequence(DicomTags.PurposeOfReferenceCodeSequence)!.Items[0].GetString(DicomTags.CodeMeaning));
        Assert.Equal("Müller^Jürgen", item.Parent!.GetString(DicomTags.PatientName));
        Assert.Equal("DATAFORGE TEST", read.Dataset.GetPrivateCreator(new DicomTag(0x0029, 0x1010)));
        Assert.Equal(bytes, read.ToBytes());
    }

    [SkippableTheory]
    [MemberData(nameof(UncompressedSyntaxes))]
    public void Dcmdump_reads_every_written_syntax_without_complaint(string uid)
    {
        var dcmdump = Oracle.Require("dcmdump");
        using var dir = new TempDirectory();
        var path = dir.Combine("x.dcm");
        DicomFile.Create(SyntheticDatasets.Image(), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.3.4.5", DicomTransferSyntax.FromUid(uid)).Save(path);
        var result = Oracle.Run(dcmdump, ["-dc", "+U8", path]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.DoesNotContain("W:", result.StandardError + result.StandardOutput);
        Assert.DoesNotContain("E:", result.StandardError + result.StandardOutput);
        Assert.Contains("(0010,0010) PN [Müller^Jürgen ]", result.StandardOutput);
        Assert.Contains("(0029,0010) LO [DATAFORGE TEST]", result.StandardOutput);
        Assert.Contains("(0008,0100) SH [T-D1100 ]", result.StandardOutput);
    }

    [SkippableTheory]
    [MemberData(nameof(UncompressedSyntaxes))]
    public void A_file_written_without_some_top_level_attributes_is_the_file_without_them_as_dcmdump_reads_it(string uid)
    {
        var dcmdump = Oracle.Require("dcmdump");
        using var dir = new TempDirectory();
        var file = DicomFile.Create(SyntheticDatasets.Image(), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.3.4.5", DicomTransferSyntax.FromUid(uid));
        var path = dir.Combine("header.dcm");
        using (var stream = File.Create(path))
            DicomWriter.WriteFile(stream, file, tag => tag == DicomTags.PixelData || tag == DicomTags.ImageType);
        var result = Oracle.Run(dcmdump, ["-dc", "+U8", path]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.DoesNotContain("E:", result.StandardError + result.StandardOutput);
        Assert.DoesNotContain("(7fe0,0010)", result.StandardOutput);
        Assert.DoesNotContain("(0008,0008)", result.StandardOutput);
        Assert.Contains("(0010,0010) PN [Müller^Jürgen ]", result.StandardOutput);
        Assert.Contains("(0008,0100) SH [T-D1100 ]", result.StandardOutput);
        // The file itself is untouched: written whole afterwards, it still has both.
        var whole = DicomReader.Read(file.ToBytes());
        Assert.True(whole.Dataset.Contains(DicomTags.PixelData) && whole.Dataset.Contains(DicomTags.ImageType));
    }
}
