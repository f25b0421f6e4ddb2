using DataForge.Dicom.IO;
using Xunit;

namespace DataForge.Dicom.Tests.IO;

public class HeaderOnlyReadingTests
{
    /// <summary>Counts the bytes a reader pulls from the underlying stream.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2")]
    [InlineData("1.2.840.10008.1.2.1")]
    [InlineData("1.2.840.10008.1.2.2")]
    public void Header_only_reading_stops_before_pixel_data_without_reading_it(string uid)
    {
        var ds = SyntheticDatasets.Image();
        ds.Add(DicomTags.PixelData, DicomVR.OW, new byte[4 << 20]);
        var bytes = DicomFile.Create(ds, SyntheticDatasets.SecondaryCaptureSopClass, "1.2.3", DicomTransferSyntax.FromUid(uid)).ToBytes();
        var counting = new CountingStream(new MemoryStream(bytes));

        var header = DicomReader.Read(counting, DicomReadOptions.HeaderOnly);

        Assert.False(header.Dataset.Contains(DicomTags.PixelData));
        Assert.Equal("Müller^Jürgen", header.Dataset.GetString(DicomTags.PatientName));
        Assert.Equal(ds.Count - 1, header.Dataset.Count);
        Assert.True(counting.BytesRead < 64 * 1024, $"read {counting.BytesRead} bytes of {bytes.Length}");
    }

    [Fact]
    public void Header_only_reading_of_a_whole_file_keeps_everything_before_pixel_data_including_sequences()
    {
        var full = DicomReader.Read(DicomFile.Create(SyntheticDatasets.Image(), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.3").ToBytes());
        var header = DicomReader.Read(full.ToBytes(), DicomReadOptions.HeaderOnly);
        full.Dataset.Remove(DicomTags.PixelData);
        Assert.Equal(DicomWriter.Encode(full.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian),
            DicomWriter.Encode(header.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian));
    }
}
