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

    /// <summary>The dataset encoded in a transfer syntax, as bytes.</summary>
    public static byte[] Encode(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        var ms = new MemoryStream();
        WriteDataset(ms, dataset, syntax);
        return ms.ToArray();
    }
}
