using System.Buffers.Binary;
using System.IO.Compression;
using DataForge.Dicom.IO;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.IO;

/// <summary>Broken input gives a <see cref="DicomFormatException"/> with file, offset and tag; never a hang or a crash.</summary>
public class BadInputTests
{
    private static byte[] ValidFile(DicomTransferSyntax? syntax = null) =>
        DicomFile.Create(SyntheticDatasets.Image(), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.3", syntax).ToBytes();

    private static DicomFormatException Reject(byte[] bytes, string? name = "bad.dcm")
    {
        using var dir = new TempDirectory();
        var path = dir.Combine(name ?? "bad.dcm");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DicomFormatException>(() => DicomReader.ReadFile(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(path, e.Message);
        Assert.True(e.Offset >= 0 && e.Offset <= bytes.Length, $"offset {e.Offset} outside the file");
        return e;
    }

    [Fact]
    public void A_text_file_is_not_DICOM() =>
        Assert.Contains("not a DICOM file", Reject("hello, this is not DICOM at all\n"u8.ToArray()).Message);

    [Fact]
    public void An_empty_file_is_not_DICOM() => Reject([]);

    [Fact]
    public void A_file_truncated_inside_a_value_names_the_element_and_offset()
    {
        var bytes = ValidFile();
        var e = Reject(bytes[..(bytes.Length - 5)]);
        Assert.Equal(DicomTags.PixelData, e.Tag);
        Assert.Contains("past the end", e.Reason);
    }

    [Fact]
    public void A_4_GB_length_field_is_rejected_without_allocating_it()
    {
        var bytes = ValidFile(DicomTransferSyntax.ImplicitVRLittleEndian);
        var at = IndexOfTag(bytes, DicomTags.PatientID, 132);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 4), 0xFFFFFFF0);
        // This thread's allocations only: the process-wide count includes whatever tests run alongside.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Reject(bytes);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16L * 1024 * 1024, "allocated far more than the file");
        Assert.Equal(DicomTags.PatientID, e.Tag);
        Assert.Equal(at, e.Offset - 8);
    }

    [Fact]
    public void An_undefined_length_on_a_text_element_is_rejected()
    {
        var bytes = ValidFile(DicomTransferSyntax.ImplicitVRLittleEndian);
        var at = IndexOfTag(bytes, DicomTags.PatientID, 132);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 4), 0xFFFFFFFF);
        Assert.Equal(DicomTags.PatientID, Reject(bytes).Tag);
    }

    [Fact]
    public void Invalid_VR_bytes_in_explicit_data_are_rejected()
    {
        var bytes = ValidFile();
        var at = IndexOfTag(bytes, DicomTags.PatientID, 132);
        bytes[at + 4] = 0x01;
        Assert.Equal(DicomTags.PatientID, Reject(bytes).Tag);
    }

    [Fact]
    public void Sequences_nested_without_end_are_rejected_not_followed_forever()
    {
        // 10,000 nested undefined-length sequences and items, implicit VR: depth is bounded.
        var ms = new MemoryStream();
        for (var i = 0; i < 10_000; i++)
        {
            ms.Write([0x08, 0x00, 0x40, 0x11, 0xFF, 0xFF, 0xFF, 0xFF]);        // (0008,1140) SQ, undefined length
            ms.Write([0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]);        // item, undefined length
        }
        Assert.Contains("nested deeper", Reject(ms.ToArray()).Reason);
    }

    [Fact]
    public void A_deflate_bomb_is_refused_at_the_configured_bound()
    {
        var meta = DicomFile.Create(new DicomDataset(), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.3", DicomTransferSyntax.DeflatedExplicitVRLittleEndian);
        var ms = new MemoryStream();
        ms.Write(new byte[128]);
        ms.Write("DICM"u8);
        DicomWriter.WriteMeta(ms, meta.Meta);
        using (var deflate = new DeflateStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            // One OB element claiming 64 MiB of zeros: compresses to about 64 KiB.
            deflate.Write([0x09, 0x00, 0x10, 0x10, (byte)'O', (byte)'B', 0, 0, 0, 0, 0, 4]);
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 64; i++) deflate.Write(zeros);
        }
        using var dir = new TempDirectory();
        var path = dir.Combine("bomb.dcm");
        File.WriteAllBytes(path, ms.ToArray());
        var e = Assert.Throws<DicomFormatException>(() => DicomReader.ReadFile(path, new DicomReadOptions { MaxInflatedBytes = 8 << 20 }));
        Assert.Contains("deflate bomb", e.Message);
    }

    [Fact]
    public void The_error_message_carries_no_value_of_the_file()
    {
        var bytes = ValidFile(DicomTransferSyntax.ImplicitVRLittleEndian);
        var at = IndexOfTag(bytes, DicomTags.PatientID, 132);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 4), 0x7FFFFFF0);
        var e = Reject(bytes);
        Assert.DoesNotContain("SYN001", e.Message);
        Assert.DoesNotContain("Müller", e.Message);
    }

    internal static int IndexOfTag(byte[] bytes, DicomTag tag, int from)
    {
        Span<byte> pattern = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(pattern, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(pattern[2..], tag.Element);
        var i = bytes.AsSpan(from).IndexOf(pattern);
        Assert.True(i >= 0, $"{tag} not found");
        return from + i;
    }
}
