using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;

namespace DataForge.Imaging.Nifti;

/// <summary>
/// Reads NIfTI-1 and NIfTI-2 (.nii, .nii.gz, .hdr/.img pairs) and Analyze 7.5 (.hdr/.img), in
/// either byte order; gzip is recognised by its magic bytes, not by the file name. Every problem
/// is a <see cref="NiftiFormatException"/> naming the file and byte offset. Nothing larger than
/// what the header and the file size justify is allocated: voxel data must fit in the file (or,
/// for gzip, within deflate's maximal ratio of the compressed size).
/// Error messages name the file by <c>name</c> when one is given (a content hash, for files that
/// may carry patient data in their path), else by its path.
/// </summary>
public static class NiftiReader
{
    /// <summary>Deflate cannot expand data more than 1032:1 (RFC 1951 limit for a stream of maximal runs).</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>Reads the header of a .nii, .nii.gz, .hdr or .hdr.gz file; <paramref name="name"/> replaces the path in errors.</summary>
    public static NiftiHeader ReadHeader(string path, string? name = null)
    {
        using var source = Open(path, name);
        return ParseHeader(source);
    }

    /// <summary>Reads the header of .nii, .nii.gz, .hdr or .hdr.gz bytes from a seekable stream; <paramref name="name"/> names it in errors.</summary>
    public static NiftiHeader ReadHeader(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var source = Open(stream, name, stream.Length - stream.Position, leaveOpen: true);
        return ParseHeader(source);
    }

    /// <summary>Reads a volume: header, then the voxel data from the same file or the .img beside a .hdr; <paramref name="name"/> replaces the path in errors.</summary>
    public static Volume Read(string path, string? name = null)
    {
        using var source = Open(path, name);
        var header = ParseHeader(source);
        var type = header.VoxelType!;
        if (header.IsSingleFile)
            return Build(header, ReadVoxels(source, header, type));
        using var data = Open(ImagePathFor(path), name is null ? null : name + " (.img)");
        return Build(header, ReadVoxels(data, header, type));
    }

    /// <summary>Reads a single-file NIfTI (.nii or .nii.gz bytes) from a stream; <paramref name="name"/> names it in errors.</summary>
    public static Volume Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var source = Open(stream, name, stream.CanSeek ? stream.Length - stream.Position : 0, leaveOpen: true);
        var header = ParseHeader(source);
        if (!header.IsSingleFile)
            throw new NiftiFormatException(name, 0, "this is a .hdr header; its voxels are in a separate .img file");
        return Build(header, ReadVoxels(source, header, header.VoxelType!));
    }

    /// <summary>
    /// Reads a .hdr/.img pair (NIfTI-1 or Analyze 7.5, each optionally gzip) from two seekable streams;
    /// <paramref name="name"/> names the header in errors and <paramref name="name"/> + " (.img)" the data.
    /// </summary>
    public static Volume ReadPair(Stream header, Stream image, string name)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(image);
        using var source = Open(header, name, header.Length - header.Position, leaveOpen: true);
        var parsed = ParseHeader(source);
        if (parsed.IsSingleFile)
            throw source.Error(parsed.Format == NiftiFormat.Nifti2 ? NiftiLayout.Nifti2.MagicOffset : NiftiLayout.Nifti1.MagicOffset,
                "the magic says a single .nii file, but the header came as a .hdr with a separate .img");
        using var data = Open(image, name + " (.img)", image.Length - image.Position, leaveOpen: true);
        return Build(parsed, ReadVoxels(data, parsed, parsed.VoxelType!));
    }

    /// <summary>The data file of a .hdr header: .img beside it (.img.gz for .hdr.gz).</summary>
    public static string ImagePathFor(string headerPath)
    {
        foreach (var (hdr, img) in new[] { (".hdr.gz", ".img.gz"), (".hdr", ".img"), (".HDR", ".IMG") })
            if (headerPath.EndsWith(hdr, StringComparison.Ordinal))
                return headerPath[..^hdr.Length] + img;
        throw new NiftiFormatException(headerPath, 0, "a .hdr/.img pair is expected to be named *.hdr (or *.hdr.gz)");
    }

    private static Volume Build(NiftiHeader header, Array data)
    {
        var pixdim = header.Pixdim.Skip(1).Take(Math.Max(3, header.Rank)).ToArray();
        Volume volume;
        if (header.Format == NiftiFormat.Analyze75)
        {
            var affine = header.AnalyzeAffine;
            volume = Volume.FromParts(header.Shape, data, affine, XformCode.Unknown, affine, XformCode.AlignedAnat, pixdim);
        }
        else
        {
            volume = Volume.FromParts(header.Shape, data, header.Qform, CodeOf(header.QformCode),
                header.Sform, CodeOf(header.SformCode), pixdim);
        }
        var spatial = header.XyztUnits & 0x07;
        var temporal = header.XyztUnits & 0x38;
        return volume with
        {
            Scaling = header.Scaling,
            SpatialUnit = Enum.IsDefined((SpatialUnit)spatial) ? (SpatialUnit)spatial : SpatialUnit.Unknown,
            TemporalUnit = Enum.IsDefined((TemporalUnit)temporal) ? (TemporalUnit)temporal : TemporalUnit.Unknown,
            Description = header.Description,
            IntentCode = header.Format == NiftiFormat.Analyze75 ? (short)0 : (short)header.IntentCode,
        };
    }

    private static XformCode CodeOf(int code) =>
        Enum.IsDefined((XformCode)code) ? (XformCode)code : XformCode.Unknown;

    private static Source Open(string path, string? name)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NiftiFormatException(name ?? path, 0, "the file does not exist", e);
        }
        return Open(file, name ?? path, file.Length, leaveOpen: false);
    }

    private static Source Open(Stream stream, string name, long length, bool leaveOpen)
    {
        if (!stream.CanSeek)
            throw new ArgumentException("the stream must be seekable (gzip is recognised by peeking at its first bytes)", nameof(stream));
        Span<byte> magic = stackalloc byte[2];
        var start = stream.Position;
        var n = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        stream.Position = start;
        var gzip = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        return gzip
            ? new Source(new GZipStream(stream, CompressionMode.Decompress, leaveOpen), name, length, compressed: true, leaveOpen)
            : new Source(stream, name, length, compressed: false, leaveOpen);
    }

    private static NiftiHeader ParseHeader(Source source)
    {
        var buffer = new byte[540];
        source.ReadExactly(buffer.AsSpan(0, 4), "the file is shorter than a NIfTI header's sizeof_hdr field");
        var little = BitConverter.ToInt32(buffer, 0);
        var big = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(little);
        var (layout, bigEndian) = (little, big) switch
        {
            (348, _) => (NiftiLayout.Nifti1, !BitConverter.IsLittleEndian),
            (_, 348) => (NiftiLayout.Nifti1, BitConverter.IsLittleEndian),
            (540, _) => (NiftiLayout.Nifti2, !BitConverter.IsLittleEndian),
            (_, 540) => (NiftiLayout.Nifti2, BitConverter.IsLittleEndian),
            _ => throw source.Error(0, $"sizeof_hdr is {little}: expected 348 (NIfTI-1, Analyze 7.5) or 540 (NIfTI-2)"),
        };
        var header = buffer.AsSpan(0, layout.HeaderSize);
        source.ReadExactly(header[4..], $"the header is truncated: it needs {layout.HeaderSize} bytes");

        var isSingle = false;
        if (layout.Format == NiftiFormat.Nifti2)
        {
            var (single, pair) = layout.Magic;
            var magic = header.Slice(layout.MagicOffset, 8);
            if (magic.SequenceEqual(single)) isSingle = true;
            else if (!magic.SequenceEqual(pair))
                throw source.Error(layout.MagicOffset, magic[..4].SequenceEqual(single.AsSpan(0, 4)) || magic[..4].SequenceEqual(pair.AsSpan(0, 4))
                    ? "NIfTI-2 magic is followed by damaged end-of-line bytes (the file went through a text-mode transfer)"
                    : "sizeof_hdr says NIfTI-2 but the magic is not n+2 or ni2");
        }
        else
        {
            var (single, pair) = layout.Magic;
            var magic = header.Slice(layout.MagicOffset, 4);
            if (magic.SequenceEqual(single)) isSingle = true;
            else if (!magic.SequenceEqual(pair)) layout = NiftiLayout.Analyze75;
        }

        var rank = layout.Dim.ReadInteger(header, bigEndian);
        if (rank is < 1 or > 7)
            throw source.Error(layout.Dim.Offset, $"dim[0] is {rank}: the number of dimensions must be 1 to 7");
        var dim = new long[8];
        dim[0] = rank;
        for (var i = 1; i < 8; i++) dim[i] = layout.Dim.ReadInteger(header, bigEndian, i);
        long voxels = 1;
        for (var i = 1; i <= rank; i++)
        {
            if (dim[i] < 1)
                throw source.Error(layout.Dim.At(i), $"dim[{i}] is {dim[i]}: every dimension must be at least 1");
            if (dim[i] > int.MaxValue || voxels > int.MaxValue / dim[i])
                throw source.Error(layout.Dim.At(i), $"dim[{i}] = {dim[i]} makes more voxels than this reader supports (2^31 - 1)");
            voxels *= dim[i];
        }
        var datatype = (int)layout.Datatype.ReadInteger(header, bigEndian);
        var type = VoxelType.FromCode(datatype)
            ?? throw source.Error(layout.Datatype.Offset, UnsupportedDatatype(datatype));
        if (voxels * type.Size > Array.MaxLength)
            throw source.Error(layout.Dim.Offset, $"the voxel data needs {voxels * type.Size} bytes, more than this reader supports (2 GiB)");

        var rawOffset = layout.VoxOffset.Read(header, bigEndian);
        if (!double.IsFinite(rawOffset) || rawOffset < 0 || rawOffset != Math.Floor(rawOffset) || rawOffset > long.MaxValue / 2)
            throw source.Error(layout.VoxOffset.Offset, $"vox_offset {rawOffset} is not a valid byte offset");
        var voxOffset = (long)rawOffset;
        if (isSingle && voxOffset == 0)
            voxOffset = layout.MinimumSingleFileOffset; // old writers left it 0; the data follows the extender.
        if (isSingle && voxOffset < layout.HeaderSize)
            throw source.Error(layout.VoxOffset.Offset, $"vox_offset {voxOffset} points inside the {layout.HeaderSize}-byte header");

        double Num(NiftiField f, int i = 0) => f.Read(buffer, bigEndian, i);
        var analyze = layout.Format == NiftiFormat.Analyze75;
        var originBytes = header.Slice(NiftiLayout.AnalyzeOrigin, 6).ToArray();
        short Origin(int i) => bigEndian
            ? System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(originBytes.AsSpan(i * 2))
            : System.Buffers.Binary.BinaryPrimitives.ReadInt16LittleEndian(originBytes.AsSpan(i * 2));
        var gl = new NiftiField(NiftiLayout.AnalyzeGlmax, FieldKind.Int32);
        var texts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, offset, length) in layout.TextFields) texts[name] = Text(header.Slice(offset, length));
        var history = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (analyze)
            foreach (var (name, offset) in NiftiLayout.AnalyzeHistoryNumbers)
                history[name] = (int)new NiftiField(offset, FieldKind.Int32).ReadInteger(header, bigEndian);
        var parsed = new NiftiHeader
        {
            Format = layout.Format,
            IsSingleFile = isSingle,
            BigEndian = bigEndian,
            Dim = [.. dim],
            Datatype = datatype,
            Bitpix = (int)layout.Bitpix.ReadInteger(header, bigEndian),
            Pixdim = [.. Enumerable.Range(0, 8).Select(i => Num(layout.Pixdim, i))],
            VoxOffset = voxOffset,
            SclSlope = Num(layout.SclSlope),
            SclInter = Num(layout.SclInter),
            CalMax = Num(layout.CalMax),
            CalMin = Num(layout.CalMin),
            QformCode = analyze ? 0 : (int)layout.QformCode.ReadInteger(header, bigEndian),
            SformCode = analyze ? 0 : (int)layout.SformCode.ReadInteger(header, bigEndian),
            Quatern = analyze ? [0, 0, 0, 0, 0, 0] : [.. Enumerable.Range(0, 6).Select(i => Num(layout.Quatern, i))],
            Srow = analyze ? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0] : [.. Enumerable.Range(0, 12).Select(i => Num(layout.Srow, i))],
            XyztUnits = analyze ? 0 : (int)layout.XyztUnits.ReadInteger(header, bigEndian),
            IntentCode = analyze ? 0 : (int)layout.IntentCode.ReadInteger(header, bigEndian),
            Description = Text(header.Slice(layout.DescripOffset, 80)),
            IntentName = analyze ? "" : Text(header.Slice(layout.IntentNameOffset, 16)),
            Origin = analyze ? [Origin(0), Origin(1), Origin(2)] : [0, 0, 0],
            GlobalRange = analyze
                ? ((int)gl.ReadInteger(header, bigEndian), (int)(gl with { Offset = NiftiLayout.AnalyzeGlmin }).ReadInteger(header, bigEndian))
                : (0, 0),
            TextFields = texts.ToImmutableSortedDictionary(StringComparer.Ordinal),
            AnalyzeHistory = history.ToImmutableSortedDictionary(StringComparer.Ordinal),
        };
        return analyze ? parsed : WithExtensions(source, parsed, layout);
    }

    /// <summary>An extension larger than this is not read (it is reported as damage): no header needs one.</summary>
    private const int MaxExtensionSize = 64 << 20;

    /// <summary>
    /// nifti1.h: after the header, a 4-byte extender whose first byte is non-zero announces extensions, each an
    /// esize (int32, the whole extension's size, a multiple of 16), an ecode (int32) and esize - 8 bytes of data,
    /// in the header's byte order. In a single file they end at vox_offset; in a .hdr file, at the end of the file.
    /// A chain that cannot be followed stops there and is flagged (<see cref="NiftiHeader.ExtensionsDamaged"/>): the
    /// voxels are still readable, and a caller that must not lose an extension can refuse the file.
    /// </summary>
    private static NiftiHeader WithExtensions(Source source, NiftiHeader header, NiftiLayout layout)
    {
        long limit = header.IsSingleFile ? header.VoxOffset : long.MaxValue;
        if (!source.Compressed) limit = Math.Min(limit, source.Length);
        long at = layout.HeaderSize;
        if (at + NiftiLayout.ExtenderSize > limit) return header;
        var pair = new byte[8];
        if (source.ReadUpTo(pair.AsSpan(0, NiftiLayout.ExtenderSize)) < NiftiLayout.ExtenderSize || pair[0] == 0) return header;
        at += NiftiLayout.ExtenderSize;
        var extensions = new List<NiftiExtension>();
        var damaged = false;
        while (at + 8 <= limit)
        {
            var read = source.ReadUpTo(pair);
            if (read == 0 && !header.IsSingleFile) break;
            if (read < 8) { damaged = true; break; }
            var esize = header.BigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(pair) : System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(pair);
            var ecode = header.BigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(pair.AsSpan(4)) : System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(pair.AsSpan(4));
            if (esize == 0 && ecode == 0) break; // zero padding up to vox_offset
            if (esize < 8 || esize > MaxExtensionSize || at + esize > limit) { damaged = true; break; }
            var data = new byte[esize - 8];
            if (source.ReadUpTo(data) < data.Length) { damaged = true; break; }
            extensions.Add(new NiftiExtension(ecode, at, data));
            at += esize;
        }
        return header with { Extensions = [.. extensions], ExtensionsDamaged = damaged };
    }

    /// <summary>nifti1.h DT_* codes that are images but not scalar voxels, by name, so the refusal says what the file holds.</summary>
    private static readonly IReadOnlyDictionary<int, string> NonScalarTypes = new Dictionary<int, string>
    {
        [1] = "binary (1 bit per voxel)",
        [32] = "complex64",
        [128] = "RGB (24-bit colour)",
        [1536] = "float128",
        [1792] = "complex128",
        [2048] = "complex256",
        [2304] = "RGBA (32-bit colour)",
    };

    private static string UnsupportedDatatype(int datatype)
    {
        var supported = $"supported: {string.Join(", ", VoxelType.All.Select(t => $"{t.Code} {t.Name}"))}";
        return NonScalarTypes.TryGetValue(datatype, out var what)
            ? $"datatype {datatype} ({what}) is not supported: only scalar voxels are read ({supported}); convert the image to greyscale first"
            : $"datatype {datatype} is not supported ({supported})";
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        var bytes = end < 0 ? field : field[..end];
        // Latin-1 keeps every byte; headers are ASCII by the standard but old writers left other bytes.
        return Encoding.Latin1.GetString(bytes);
    }

    private static Array ReadVoxels(Source source, NiftiHeader header, VoxelType type)
    {
        var voxels = header.Shape.Aggregate(1L, (a, d) => a * d);
        var bytes = voxels * type.Size;
        var end = header.VoxOffset + bytes;
        var voxOffsetField = (header.Format == NiftiFormat.Nifti2 ? NiftiLayout.Nifti2 : NiftiLayout.Nifti1).VoxOffset.Offset;
        if (!source.Compressed)
        {
            if (header.VoxOffset > source.Length)
                throw source.Error(voxOffsetField, $"vox_offset {header.VoxOffset} is past the end of the file ({source.Length} bytes)");
            if (end > source.Length)
                throw source.Error(source.Length, $"the file ends at byte {source.Length} but the voxel data needs bytes {header.VoxOffset} to {end}: the file is truncated");
        }
        else if (end > source.Length * MaxDeflateRatio + 1024)
        {
            throw source.Error(voxOffsetField, $"the header needs {end} decompressed bytes but a {source.Length}-byte gzip file cannot hold more than {source.Length * MaxDeflateRatio}: the header or the file is damaged");
        }
        source.SkipTo(header.VoxOffset);
        var data = type.Allocate((int)voxels);
        source.ReadExactly(type.Bytes(data), $"the data ends early: {bytes} bytes of voxel data are needed from byte {header.VoxOffset}");
        if (header.BigEndian == BitConverter.IsLittleEndian) type.SwapBytes(data);
        return data;
    }

    /// <summary>A file being read sequentially, with the decompressed position for error messages.</summary>
    private sealed class Source(Stream stream, string name, long length, bool compressed, bool leaveOpen) : IDisposable
    {
        public long Position { get; private set; }

        /// <summary>Size of the file on disk (compressed size for gzip).</summary>
        public long Length => length;

        public bool Compressed => compressed;

        public NiftiFormatException Error(long offset, string problem, Exception? inner = null) =>
            new(name, offset, problem, inner);

        public void ReadExactly(Span<byte> destination, string whenShort)
        {
            if (ReadUpTo(destination) < destination.Length)
                throw Error(Position, whenShort + $" (the {(compressed ? "decompressed " : "")}file ends at byte {Position})");
        }

        /// <summary>Reads until <paramref name="destination"/> is full or the data ends; returns how many bytes were read.</summary>
        public int ReadUpTo(Span<byte> destination)
        {
            var total = 0;
            try
            {
                while (total < destination.Length)
                {
                    var n = stream.Read(destination[total..]);
                    if (n == 0) break;
                    total += n;
                }
            }
            catch (InvalidDataException e)
            {
                throw Error(Position + total, "the gzip stream is damaged: " + e.Message, e);
            }
            Position += total;
            return total;
        }

        public void SkipTo(long offset)
        {
            if (offset < Position)
                throw Error(Position, $"vox_offset {offset} points inside the header");
            if (!compressed && stream.CanSeek)
            {
                stream.Seek(offset - Position, SeekOrigin.Current);
                Position = offset;
                return;
            }
            var scratch = new byte[(int)Math.Min(1 << 16, Math.Max(1, offset - Position))];
            while (Position < offset)
                ReadExactly(scratch.AsSpan(0, (int)Math.Min(scratch.Length, offset - Position)),
                    $"vox_offset {offset} is past the end of the data");
        }

        public void Dispose()
        {
            if (compressed || !leaveOpen) stream.Dispose();
        }
    }
}
