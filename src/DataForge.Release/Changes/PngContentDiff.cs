using System.Buffers.Binary;
using System.IO.Compression;

namespace DataForge.Release.Changes;

/// <summary>
/// What differs between two PNG images: size, bit depth and colour type (the IHDR chunk), then the pixels (the
/// IDAT stream, inflated) and, apart from them, the other chunks. Values are compared, never returned.
/// </summary>
public static class PngContentDiff
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The changes; null when either side is not a PNG.</summary>
    public static IReadOnlyList<ContentChange>? Compare(byte[] before, byte[] after)
    {
        if (Chunks(before) is not { } a || Chunks(after) is not { } b) return null;
        var changes = new List<ContentChange>();
        void Check(string subject, bool same)
        {
            if (!same) changes.Add(new ContentChange(ContentChangeKinds.Png, subject, "changed"));
        }
        var ha = a.Header;
        var hb = b.Header;
        Check("size", ha.AsSpan(0, 8).SequenceEqual(hb.AsSpan(0, 8)));
        Check("bit depth", ha[8] == hb[8]);
        Check("colour type", ha[9] == hb[9]);
        try
        {
            Check("pixels", Inflate(a.Data).AsSpan().SequenceEqual(Inflate(b.Data)));
        }
        catch (InvalidDataException)
        {
            return null;
        }
        Check("other chunks", a.Others.SequenceEqual(b.Others, StringComparer.Ordinal));
        if (changes.Count == 0) changes.Add(new ContentChange(ContentChangeKinds.Png, "encoding", "changed (same pixels)"));
        return changes;
    }

    private sealed record Parsed(byte[] Header, byte[] Data, List<string> Others);

    private static Parsed? Chunks(byte[] png)
    {
        if (png.Length < 8 + 25 || !png.AsSpan(0, 8).SequenceEqual(Signature)) return null;
        byte[]? header = null;
        var data = new MemoryStream();
        var others = new List<string>();
        for (var at = 8; at + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            if (length < 0 || at + 12L + length > png.Length) return null;
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var body = png.AsSpan(at + 8, length);
            if (type == "IHDR" && length == 13) header = body.ToArray();
            else if (type == "IDAT") data.Write(body);
            else if (type != "IEND") others.Add(type + ":" + Convert.ToHexString(body));
            at += 12 + length;
        }
        return header is null ? null : new Parsed(header, data.ToArray(), others);
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var inflater = new ZLibStream(new MemoryStream(zlib, writable: false), CompressionMode.Decompress);
        var output = new MemoryStream();
        inflater.CopyTo(output);
        return output.ToArray();
    }
}
