using System.Runtime.InteropServices;
using DataForge.Dicom.IO;
using DataForge.Dicom.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.IO;

/// <summary>
/// A file read from an array shares its large values with that array instead of copying them, and is otherwise the
/// same file as one read from a stream; writing it measures its size first and fills an array of exactly that size.
/// </summary>
public class InMemoryReadingTests
{
    public static TheoryData<string> Files() => OracleFiles.Data();

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void A_file_read_from_an_array_is_the_file_read_from_a_stream(string name)
    {
        var bytes = File.ReadAllBytes(OracleFiles.Resolve(name));
        var before = bytes.ToArray();
        DicomFile fromStream;
        try
        {
            fromStream = DicomReader.Read(new MemoryStream(bytes.ToArray(), writable: false));
        }
        catch (DicomFormatException e)
        {
            var fromArray = Assert.Throws<DicomFormatException>(() => DicomReader.Read(bytes));
            Assert.Equal(e.Message, fromArray.Message);
            return;
        }
        var file = DicomReader.Read(bytes);
        Assert.Equal(fromStream.Warnings, file.Warnings);
        Assert.Equal(fromStream.TransferSyntax, file.TransferSyntax);
        Assert.Equal(Encode(fromStream), Encode(file));
        // Big endian values are swapped in copies of their own: the caller's bytes never change.
        Assert.Equal(before, bytes);
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Writing_fills_an_array_of_exactly_the_measured_size(string name)
    {
        DicomFile file;
        try { file = DicomReader.Read(File.ReadAllBytes(OracleFiles.Resolve(name))); }
        catch (DicomFormatException) { Skip.If(true, "the file is rejected (see the oracle tests)"); return; }
        var streamed = new MemoryStream();
        file.Save(streamed);
        var size = DicomWriter.Measure(file);
        if (file.TransferSyntax.IsDeflated) Assert.Null(size);
        else Assert.Equal(streamed.Length, size);
        Assert.Equal(streamed.ToArray(), file.ToBytes());
    }

    [Fact]
    public void Pixel_data_read_from_an_array_is_a_slice_of_it()
    {
        var path = TestData.PydicomFiles().Single(p => Path.GetFileName(p) == "CT_small.dcm");
        var bytes = File.ReadAllBytes(path);
        var pixels = Assert.IsType<DicomElement>(DicomReader.Read(bytes).Dataset.Get(DicomTags.PixelData));
        Assert.True(MemoryMarshal.TryGetArray(pixels.Data, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.True(bytes.AsSpan(segment.Offset, segment.Count).SequenceEqual(pixels.Span));
        Assert.Equal(128 * 128 * 2, pixels.Length);
    }

    [Fact]
    public void A_file_read_from_the_front_of_a_larger_array_ends_where_its_length_says()
    {
        var path = TestData.PydicomFiles().Single(p => Path.GetFileName(p) == "CT_small.dcm");
        var bytes = File.ReadAllBytes(path);
        var pooled = new byte[bytes.Length + 4096];
        bytes.CopyTo(pooled, 0);
        pooled.AsSpan(bytes.Length).Fill(0x55);  // what a reused buffer holds after the file: not an element
        var file = DicomReader.Read(pooled, bytes.Length);
        Assert.Empty(file.Warnings);
        Assert.Equal(bytes, file.ToBytes());
    }

    [Fact]
    public void Big_endian_pixel_data_read_from_an_array_is_swapped_in_a_copy()
    {
        var path = TestData.PydicomFiles().Single(p => Path.GetFileName(p) == "MR_small_bigendian.dcm");
        var bytes = File.ReadAllBytes(path);
        var pixels = Assert.IsType<DicomElement>(DicomReader.Read(bytes).Dataset.Get(DicomTags.PixelData));
        Assert.True(MemoryMarshal.TryGetArray(pixels.Data, out var segment));
        Assert.NotSame(bytes, segment.Array);
        // The same samples as the little endian twin of the file (pydicom's MR_small.dcm).
        var little = DicomReader.ReadFile(TestData.PydicomFiles().Single(p => Path.GetFileName(p) == "MR_small.dcm"));
        Assert.True(Assert.IsType<DicomElement>(little.Dataset.Get(DicomTags.PixelData)).Span.SequenceEqual(pixels.Span));
    }

    private static byte[] Encode(DicomFile file) =>
        [.. DicomWriter.Encode(file.Meta, DicomTransferSyntax.ExplicitVRLittleEndian), .. DicomWriter.Encode(file.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian)];
}
