using System.IO.Compression;
using DataForge.Dicom.IO;
using DataForge.Dicom.Tests.Oracles;
using Xunit;

namespace DataForge.Dicom.Tests.IO;

/// <summary>
/// Reading then writing an unmodified file gives identical bytes when the reader found nothing non-conformant;
/// otherwise the rewritten file still reads back to the same dataset.
/// </summary>
public class RoundTripTests
{
    public static TheoryData<string> Files() => OracleFiles.Data();

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void An_unmodified_conformant_file_is_written_back_byte_for_byte(string name)
    {
        var path = OracleFiles.Resolve(name);
        var original = File.ReadAllBytes(path);
        DicomFile file;
        try
        {
            file = DicomReader.Read(original, name: path);
        }
        catch (DicomFormatException)
        {
            Skip.If(true, "the file is rejected (see the oracle tests)");
            return;
        }
        var written = file.ToBytes();
        var again = DicomReader.Read(written);
        Assert.Equal(DicomWriter.Encode(file.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian),
            DicomWriter.Encode(again.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian));
        if (file.Warnings.Count > 0) return;
        if (file.TransferSyntax.IsDeflated)
        {
            // Deflate output depends on the compressor: compare the inflated datasets instead (PS3.5 A.5).
            Assert.Equal(InflateDataset(original, file), DicomWriter.Encode(file.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian));
            return;
        }
        Assert.Equal(original.Length, written.Length);
        Assert.True(original.AsSpan().SequenceEqual(written), $"first difference at offset {FirstDifference(original, written)}");
    }

    private static byte[] InflateDataset(byte[] original, DicomFile file)
    {
        var metaLength = 132 + 12 + (int)file.Meta.GetNumber(DicomTags.FileMetaInformationGroupLength)!.Value;
        using var deflate = new DeflateStream(new MemoryStream(original, metaLength, original.Length - metaLength), CompressionMode.Decompress);
        var ms = new MemoryStream();
        deflate.CopyTo(ms);
        return ms.ToArray();
    }

    private static int FirstDifference(byte[] a, byte[] b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        return i;
    }
}
