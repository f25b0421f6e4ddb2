using System.Net.Http.Headers;
using System.Text;
using DataForge.Projects.Pacs;

namespace DataForge.Release.Tests.Pacs;

/// <summary>
/// The multipart/related reader against bodies written by .NET's own <see cref="MultipartContent"/>, read through a
/// stream that hands out a few bytes at a time so that delimiters fall across reads.
/// </summary>
public sealed class MultipartReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(70_000)]
    public async Task Parts_written_by_MultipartContent_read_back_byte_for_byte_whatever_the_read_sizes(int chunk)
    {
        var random = new Random(chunk);
        var parts = new List<byte[]>
        {
            Array.Empty<byte>(),
            Encoding.ASCII.GetBytes("\r\n--not-the-boundary\r\n--"),
            RandomBytes(random, 200_000),
            RandomBytes(random, 1),
        };
        const string boundary = "b0undary-xyz";
        // A part that holds the delimiter's first bytes but not all of them.
        parts.Add(Encoding.ASCII.GetBytes("x\r\n--b0undary-xy"));
        var (body, _) = await Write(parts, boundary);

        var reader = new MultipartReader(new TrickleStream(body, chunk), boundary);
        var read = new List<byte[]>();
        while (true)
        {
            var part = new MemoryStream();
            var headers = await reader.ReadPartAsync(part);
            if (headers is null) break;
            Assert.Equal("application/dicom", headers["content-type"]);
            read.Add(part.ToArray());
        }
        Assert.Equal(parts.Count, read.Count);
        for (var i = 0; i < parts.Count; i++) Assert.Equal(parts[i], read[i]);
    }

    [Fact]
    public async Task A_body_cut_before_its_closing_boundary_is_truncated_not_a_short_last_part()
    {
        var (body, _) = await Write([RandomBytes(new Random(1), 5000), RandomBytes(new Random(2), 5000)], "cut");
        var reader = new MultipartReader(new MemoryStream(body[..^2000]), "cut");
        Assert.NotNull(await reader.ReadPartAsync(new MemoryStream()));
        await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadPartAsync(new MemoryStream()));
    }

    [Fact]
    public async Task An_empty_multipart_body_has_no_part()
    {
        var (body, _) = await Write([], "none");
        Assert.Null(await new MultipartReader(new MemoryStream(body), "none").ReadPartAsync(new MemoryStream()));
    }

    private static async Task<(byte[] Body, string ContentType)> Write(IEnumerable<byte[]> parts, string boundary)
    {
        using var content = new MultipartContent("related", boundary);
        foreach (var p in parts)
        {
            var part = new ByteArrayContent(p);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            content.Add(part);
        }
        return (await content.ReadAsByteArrayAsync(), content.Headers.ContentType!.ToString());
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A stream that returns at most <paramref name="chunk"/> bytes per read.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
