using System.Buffers.Binary;
using System.IO.Compression;

namespace DataForge.Dicom.IO;

/// <summary>
/// Writes datasets in a transfer syntax (PS3.5 7) and Part 10 files (PS3.10 7.1). Values are padded to even length
/// with their VR's padding byte; sequences and items keep the length form (defined or undefined) they were read with.
/// </summary>
public static class DicomWriter
{
    /// <summary>Writes a Part 10 file: preamble, "DICM", meta information with a recomputed group length, then the dataset.</summary>
    public static void WriteFile(Stream stream, DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.HadNoMeta && file.Meta.Count == 0)
        {
            // A raw dataset read without preamble and meta information is written back the same way.
            WriteDataset(stream, file.Dataset, file.TransferSyntax);
            return;
        }
        var preamble = file.Preamble.Length == 128 ? file.Preamble : new byte[128];
        stream.Write(preamble);
        stream.Write("DICM"u8);
        WriteMeta(stream, file.Meta);
        WriteDataset(stream, file.Dataset, file.TransferSyntax);
    }

    /// <summary>
    /// Writes a Part 10 file as <see cref="WriteFile(Stream, DicomFile)"/> would write a copy of it whose dataset lacks the
    /// top-level attributes <paramref name="leaveOut"/> names (e.g. Pixel Data, to look at the header alone), without
    /// copying the dataset. Always with preamble and meta information.
    /// </summary>
    public static void WriteFile(Stream stream, DicomFile file, Func<DicomTag, bool> leaveOut)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(leaveOut);
        stream.Write(file.Preamble);
        stream.Write("DICM"u8);
        WriteMeta(stream, file.Meta);
        var syntax = file.TransferSyntax;
        if (syntax.IsDeflated)
        {
            using var deflate = new DeflateStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            var buffered = new BufferedStream(deflate, 1 << 16);
            WriteAll(new DatasetEncoder(buffered, syntax), file.Dataset, leaveOut);
            buffered.Flush();
            return;
        }
        var output = stream is MemoryStream or BufferedStream ? stream : new BufferedStream(stream, 1 << 16);
        WriteAll(new DatasetEncoder(output, syntax), file.Dataset, leaveOut);
        output.Flush();
    }

    private static void WriteAll(DatasetEncoder encoder, DicomDataset dataset, Func<DicomTag, bool> leaveOut)
    {
        foreach (var a in dataset)
            if (!leaveOut(a.Tag)) encoder.Write(a);
    }

    /// <summary>Writes the file meta information in Explicit VR Little Endian (PS3.10 7.1), with (0002,0000) recomputed.</summary>
    public static void WriteMeta(Stream stream, DicomDataset meta)
    {
        var ts = DicomTransferSyntax.ExplicitVRLittleEndian;
        var body = new MemoryStream();
        var bodyEncoder = new DatasetEncoder(body, ts);
        foreach (var a in meta)
            if (a.Tag != DicomTags.FileMetaInformationGroupLength) bodyEncoder.Write(a);
        var encoder = new DatasetEncoder(stream, ts);
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, checked((uint)body.Length));
        encoder.Write(new DicomElement(DicomTags.FileMetaInformationGroupLength, DicomVR.UL, length));
        body.Position = 0;
        body.CopyTo(stream);
    }

    /// <summary>Writes a dataset in a transfer syntax; for the deflated syntax the whole output is raw deflate (PS3.5 A.5).</summary>
    public static void WriteDataset(Stream stream, DicomDataset dataset, DicomTransferSyntax syntax)
    {
        if (syntax.IsDeflated)
        {
            using var deflate = new DeflateStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            var buffered = new BufferedStream(deflate, 1 << 16);
            new DatasetEncoder(buffered, syntax).WriteAll(dataset);
            buffered.Flush();
            return;
        }
        var output = stream is MemoryStream or BufferedStream ? stream : new BufferedStream(stream, 1 << 16);
        new DatasetEncoder(output, syntax).WriteAll(dataset);
        output.Flush();
    }

    /// <summary>
    /// The number of bytes <see cref="WriteFile(Stream, DicomFile)"/> writes for a file, or null when it is known only by writing it (a
    /// deflated dataset).
    /// </summary>
    public static long? Measure(DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var syntax = file.TransferSyntax;
        if (syntax.IsDeflated) return null;
        var dataset = new DatasetEncoder(Stream.Null, syntax).Measure(file.Dataset);
        if (file.HadNoMeta && file.Meta.Count == 0) return dataset;
        var metaEncoder = new DatasetEncoder(Stream.Null, DicomTransferSyntax.ExplicitVRLittleEndian);
        long meta = 12; // (0002,0000) UL, recomputed: 8 bytes of header and 4 of value
        foreach (var a in file.Meta)
            if (a.Tag != DicomTags.FileMetaInformationGroupLength) meta += metaEncoder.Measure(a);
        return 128 + 4 + meta + dataset;
    }

    /// <summary>The dataset encoded in a transfer syntax, as bytes.</summary>
    public static byte[] Encode(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        var ms = new MemoryStream();
        WriteDataset(ms, dataset, syntax);
        return ms.ToArray();
    }
}
