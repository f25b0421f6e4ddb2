using System.IO.Compression;

namespace DataForge.Dicom.IO;

/// <summary>
/// Reads Part 10 files (PS3.10 7.1) and raw datasets without preamble or meta information, in Implicit VR Little
/// Endian, Explicit VR Little/Big Endian, Deflated Explicit VR Little Endian and the encapsulated syntaxes.
/// </summary>
public static class DicomReader
{
    private static readonly DicomTag PixelData = new(0x7FE0, 0x0010);

    /// <summary>Reads a file; every problem is a <see cref="DicomFormatException"/> naming the file, offset and tag.</summary>
    public static DicomFile ReadFile(string path, DicomReadOptions? options = null)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            return Read(stream, options, path);
        }
        catch (DicomFormatException e)
        {
            throw e.WithFile(path);
        }
    }

    /// <summary>
    /// Reads a file from bytes in memory. Large values (pixel data) are slices of <paramref name="bytes"/>, not
    /// copies: the caller hands the array over and must not change it while the file is in use.
    /// </summary>
    public static DicomFile Read(byte[] bytes, DicomReadOptions? options = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Read(bytes, bytes.Length, options, name);
    }

    /// <summary>Reads a file from the first <paramref name="length"/> bytes of an array (a pooled buffer), keeping large values as slices of it.</summary>
    public static DicomFile Read(byte[] bytes, int length, DicomReadOptions? options = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, bytes.Length);
        return Read(new MemoryStream(bytes, 0, length, writable: false), new ByteSource(bytes, length, name), options);
    }

    /// <summary>Reads a file from a seekable stream positioned at its start.</summary>
    public static DicomFile Read(Stream stream, DicomReadOptions? options = null, string? name = null)
    {
        if (!stream.CanSeek) throw new ArgumentException("the stream must be seekable; copy it to a MemoryStream first", nameof(stream));
        return Read(stream, new ByteSource(stream, stream.Length, stream.Position, name), options);
    }

    /// <summary>Reads from <paramref name="source"/>, which reads <paramref name="stream"/> from its position (a deflated dataset is inflated from the stream).</summary>
    private static DicomFile Read(Stream stream, ByteSource source, DicomReadOptions? options)
    {
        options ??= DicomReadOptions.Default;
        var name = source.File;
        var length = source.Remaining;
        var preamble = new byte[128];
        var hasPreamble = false;
        var head = source.Peek((int)Math.Min(132, length));
        if (head.Length == 132 && head[128..].SequenceEqual("DICM"u8))
        {
            head[..128].CopyTo(preamble);
            source.Skip(132, null);
            hasPreamble = true;
        }
        else if (head.Length >= 4 && head[..4].SequenceEqual("DICM"u8))
        {
            source.Skip(4, null);
            hasPreamble = true;
        }

        var meta = new DicomDataset();
        var warnings = new List<string>();
        var probe = Probe(source);
        if (probe.Group == 0x0002 && !probe.BigEndian)
        {
            // PS3.10 7.1: the meta group is Explicit VR Little Endian; some writers used implicit VR, accept both.
            var metaTokens = new DicomTokenizer(source, new DatasetBuilder(meta), probe.Explicit, false) { OnlyGroup = 0x0002 };
            var metaStart = source.Position;
            metaTokens.ReadDataset();
            warnings.AddRange(metaTokens.Warnings);
            if (!probe.Explicit) warnings.Add("the file meta information is not Explicit VR Little Endian (PS3.10 7.1)");
            var declared = meta.GetNumber(DicomTags.FileMetaInformationGroupLength);
            if (declared is null) warnings.Add("the file meta information has no group length (0002,0000) (PS3.10 7.1)");
            else if (declared != source.Position - metaStart - 12)
                warnings.Add($"the meta group length {declared} differs from the {source.Position - metaStart - 12} bytes found (PS3.10 7.1)");
        }
        else if (!hasPreamble && !probe.Plausible)
        {
            throw source.Error("not a DICOM file: no \"DICM\" prefix at offset 128 and the first bytes are not a data element (PS3.10 7.1)", null);
        }

        var tsUid = meta.GetString(DicomTags.TransferSyntaxUID);
        var syntax = tsUid is null ? null : DicomTransferSyntax.FromUid(tsUid);
        var dataset = new DicomDataset();
        var file = new DicomFile(meta, dataset, preamble) { HadNoMeta = meta.Count == 0, HadPreamble = hasPreamble };
        if (syntax is null && meta.Count > 0) warnings.Add("the file meta information has no Transfer Syntax UID (0002,0010) (PS3.10 7.1)");
        file.Warnings = warnings;
        if (source.Remaining == 0) return file;

        if (syntax is { IsDeflated: true })
        {
            var inflated = Inflate(stream, source, options.MaxInflatedBytes);
            var inner = new ByteSource(inflated, inflated.Length, 0, name);
            warnings.AddRange(Tokenize(inner, dataset, explicitVR: true, bigEndian: false, options));
            file.DatasetSyntax = syntax;
            return file;
        }

        // Without a transfer syntax (raw dataset, or meta without (0002,0010)) the encoding is recognised from the
        // first element; with one, the first element is still checked, because some writers mislabel implicit data.
        var first = Probe(source);
        var explicitVR = syntax?.IsExplicitVR ?? first.Explicit;
        var bigEndian = syntax?.IsBigEndian ?? first.BigEndian;
        if (syntax is not null && first.Plausible && first.Explicit != explicitVR && !syntax.IsBigEndian)
        {
            explicitVR = first.Explicit;
            warnings.Add($"the transfer syntax says {(explicitVR ? "implicit" : "explicit")} VR but the dataset is {(explicitVR ? "explicit" : "implicit")} VR; read as found");
        }
        if (syntax is null && meta.Count == 0 && !first.Plausible)
            throw source.Error("not a DICOM dataset: the first bytes after the meta information are not a data element", null);
        warnings.AddRange(Tokenize(source, dataset, explicitVR, bigEndian, options));
        file.DatasetSyntax = syntax is not null && syntax.IsExplicitVR == explicitVR ? syntax
            : explicitVR ? (bigEndian ? DicomTransferSyntax.ExplicitVRBigEndian : DicomTransferSyntax.ExplicitVRLittleEndian)
            : DicomTransferSyntax.ImplicitVRLittleEndian;
        return file;
    }

    private static IReadOnlyList<string> Tokenize(ByteSource source, DicomDataset dataset, bool explicitVR, bool bigEndian, DicomReadOptions options)
    {
        var tokens = new DicomTokenizer(source, new DatasetBuilder(dataset) { ImplicitVR = !explicitVR }, explicitVR, bigEndian)
        {
            StopBeforePixelData = options.StopBeforePixelData,
        };
        tokens.ReadDataset();
        return tokens.Warnings;
    }

    private static MemoryStream Inflate(Stream stream, ByteSource source, long max)
    {
        stream.Seek(source.Position, SeekOrigin.Begin);
        var output = new MemoryStream();
        using var deflate = new DeflateStream(stream, CompressionMode.Decompress, leaveOpen: true);
        var buffer = new byte[1 << 16];
        try
        {
            int read;
            while ((read = deflate.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > max)
                    throw source.Error($"deflated dataset inflates to more than {max} bytes (PS3.5 A.5); refusing it as a possible deflate bomb", null);
                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new DicomFormatException("deflated dataset is not a valid raw deflate stream (PS3.5 A.5): " + e.Message, source.File, source.Position, null, e);
        }
        output.Position = 0;
        return output;
    }

    private readonly record struct FirstElement(ushort Group, bool Explicit, bool BigEndian, bool Plausible);

    /// <summary>Recognises the encoding of the next element from its header bytes without consuming them.</summary>
    private static FirstElement Probe(ByteSource source)
    {
        var h = source.Peek((int)Math.Min(8, source.Remaining));
        if (h.Length < 8) return new FirstElement(0xFFFF, false, false, false);
        var groupLE = (ushort)(h[0] | h[1] << 8);
        var groupBE = (ushort)(h[0] << 8 | h[1]);
        var explicitVR = DicomVR.FromBytes(h[4], h[5]) is not null;
        var bigEndian = groupLE > 0x00FF && groupBE <= 0x00FF && groupBE != 0;
        var group = bigEndian ? groupBE : groupLE;
        var plausible = (group & 1) == 0 && group <= 0x0100 || group == 0x7FE0;
        if (plausible && !explicitVR)
        {
            // Implicit VR: the 32-bit length must fit in what remains.
            var len = bigEndian ? (uint)(h[4] << 24 | h[5] << 16 | h[6] << 8 | h[7]) : (uint)(h[4] | h[5] << 8 | h[6] << 16 | h[7] << 24);
            plausible = len == 0xFFFFFFFF || len <= source.Remaining - 8;
        }
        return new FirstElement(group, explicitVR, bigEndian, plausible);
    }
}
