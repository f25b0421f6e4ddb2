using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Stages.Deidentify.Nifti;

/// <summary>
/// The leak gate for NIfTI outputs and their sidecars: none of the identifiers collected from the inputs
/// (<see cref="NiftiIdentifiers.Collect"/>, plus the subject's own labels) may appear, case ignored, in Latin-1
/// or UTF-8. In a NIfTI file the header and everything up to vox_offset (extensions) is searched, not the
/// voxels, whose binary values match short texts by chance (as DICOM's gate leaves Pixel Data out). In a
/// sidecar every string value is searched, at any depth, and key names too when they are not vocabulary.
/// </summary>
public static class NiftiLeakGate
{
    /// <summary>Null when the .nii or .nii.gz bytes are clean; otherwise what leaked, described without the value.</summary>
    public static string? CheckNifti(ReadOnlySpan<byte> file, LeakCheck identifiers)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        byte[] header;
        try
        {
            header = file is [0x1f, 0x8b, ..] ? GunzipHeader(file) : file[..HeaderLength(file)].ToArray();
        }
        catch (InvalidDataException)
        {
            return "leak gate: the NIfTI file's gzip stream is damaged, so its header cannot be checked";
        }
        var leaked = Find(header, identifiers.Values) ?? Find(header, identifiers.NameParts);
        return leaked is null ? null : $"leak gate: a removed identifier ({leaked.Length} characters) appears in the NIfTI header or its extensions";
    }

    /// <summary>Null when the sidecar is clean; otherwise what leaked and under which key, without the value.</summary>
    public static string? CheckSidecar(JsonObject sidecar, LeakCheck identifiers)
    {
        ArgumentNullException.ThrowIfNull(sidecar);
        ArgumentNullException.ThrowIfNull(identifiers);
        foreach (var (key, value) in sidecar)
        {
            var where = SidecarKeys.IsVocabulary(key) ? key : CleaningReport.Unlisted;
            if (!SidecarKeys.IsVocabulary(key) && Leak(key, identifiers) is { } inName)
                return $"leak gate: a removed identifier ({inName.Length} characters) appears in the name of an {where}";
            var leaked = value switch
            {
                JsonObject o => CheckSidecar(o, identifiers),
                JsonArray a => a.Select(e => e is JsonObject o ? CheckSidecar(o, identifiers) : Leak(e, identifiers)).FirstOrDefault(r => r is not null),
                _ => Leak(value, identifiers),
            };
            if (leaked is not null)
                return leaked.StartsWith("leak gate:", StringComparison.Ordinal) ? leaked
                    : $"leak gate: a removed identifier ({leaked.Length} characters) appears in the sidecar's {where}";
        }
        return null;
    }

    private static string? Leak(JsonNode? value, LeakCheck identifiers) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? Leak(v.GetValue<string>(), identifiers) : null;

    private static string? Leak(string text, LeakCheck identifiers)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Find(bytes, identifiers.Values) ?? Find(bytes, identifiers.NameParts);
    }

    /// <summary>Bytes before the voxels, bounded by the file; the whole file when the header does not say where they start.</summary>
    private static int HeaderLength(ReadOnlySpan<byte> bytes) =>
        VoxOffset(bytes) is { } offset && offset <= bytes.Length ? (int)offset : bytes.Length;

    /// <summary>vox_offset of a NIfTI-1 (float32 at 108) or NIfTI-2 (int64 at 168) header in either byte order; null when it is not one.</summary>
    private static long? VoxOffset(ReadOnlySpan<byte> header)
    {
        if (header.Length < 4) return null;
        var little = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(header);
        var bigEndian = little != 348 && little != 540;
        var size = bigEndian ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(little) : little;
        double offset = size switch
        {
            348 when header.Length >= 112 => bigEndian
                ? System.Buffers.Binary.BinaryPrimitives.ReadSingleBigEndian(header[108..])
                : System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(header[108..]),
            540 when header.Length >= 176 => bigEndian
                ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(header[168..])
                : System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(header[168..]),
            _ => double.NaN,
        };
        return double.IsFinite(offset) && offset >= size && offset < long.MaxValue / 2 ? (long)offset : null;
    }

    /// <summary>The decompressed bytes before vox_offset (the whole stream when the header does not say), never the voxels.</summary>
    private static byte[] GunzipHeader(ReadOnlySpan<byte> file)
    {
        using var input = new MemoryStream(file.ToArray());
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        var start = new byte[544];
        var n = gzip.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        var wanted = VoxOffset(start.AsSpan(0, n)) ?? long.MaxValue;
        if (wanted <= n) return start[..(int)wanted];
        using var output = new MemoryStream();
        output.Write(start, 0, n);
        var buffer = new byte[1 << 16];
        while (output.Length < wanted && (n = gzip.Read(buffer, 0, (int)Math.Min(buffer.Length, wanted - output.Length))) > 0)
            output.Write(buffer, 0, n);
        return output.ToArray();
    }

    private static string? Find(ReadOnlySpan<byte> haystack, IEnumerable<string> identifiers)
    {
        var upper = Upper(haystack);
        foreach (var identifier in identifiers)
            foreach (var needle in new[] { Encoding.Latin1.GetBytes(identifier), Encoding.UTF8.GetBytes(identifier) })
                if (upper.AsSpan().IndexOf(Upper(needle)) >= 0) return identifier;
        return null;
    }

    private static byte[] Upper(ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        for (var i = 0; i < copy.Length; i++)
            if (copy[i] is >= (byte)'a' and <= (byte)'z') copy[i] -= 32;
        return copy;
    }
}
