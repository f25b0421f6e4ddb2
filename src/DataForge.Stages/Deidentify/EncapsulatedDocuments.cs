using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Encapsulated documents (PS3.3 C.24: PDF, CDA, STL, OBJ, MTL) carry their content in Encapsulated Document
/// (0042,0011), which no attribute action can clean: emptying it leaves a non-conformant file of no use. So an
/// instance that holds one is excluded with the reason (<c>deidentify.encapsulated_documents: exclude</c>, the
/// default), or published whole for the SOP classes listed under <c>encapsulated_documents: {keep: [UID, ...]}</c>,
/// its document and MIME type unchanged and the text that can be extracted from it searched by the leak gate.
/// </summary>
public sealed class EncapsulatedDocuments
{
    private readonly HashSet<string> _kept;

    private EncapsulatedDocuments(HashSet<string> kept) => _kept = kept;

    /// <summary>Every document is excluded (the default).</summary>
    public static EncapsulatedDocuments ExcludeAll { get; } = new([]);

    /// <summary>Reads <c>encapsulated_documents</c> of a <c>deidentify:</c> section: <c>exclude</c>, or an object with <c>keep</c>.</summary>
    public static EncapsulatedDocuments From(JsonElement config)
    {
        if (!config.TryGetProperty("encapsulated_documents", out var setting) || setting.ValueKind != JsonValueKind.Object
            || !setting.TryGetProperty("keep", out var keep))
            return ExcludeAll;
        return new EncapsulatedDocuments(keep.EnumerateArray().Select(k => k.GetString()!.Trim()).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>True when the dataset holds an encapsulated document.</summary>
    public static bool Holds(DicomDataset ds) => ds.Contains(DicomTags.EncapsulatedDocument);

    /// <summary>True when documents of this SOP class are published whole.</summary>
    public bool Keeps(string? sopClass) => sopClass is not null && _kept.Contains(sopClass.Trim());

    /// <summary>The attributes that a kept document keeps unchanged: its bytes, their type and their length.</summary>
    public static bool IsDocumentAttribute(DicomTag tag) =>
        tag == DicomTags.EncapsulatedDocument || tag == DicomTags.MIMETypeOfEncapsulatedDocument || tag == DicomTags.EncapsulatedDocumentLength;

    /// <summary>The exclusion reason for an instance whose document is not kept; names the SOP class, never a value.</summary>
    public static string ExclusionReason(string? sopClass) =>
        $"excluded: an encapsulated document (SOP class {sopClass?.Trim() ?? "unknown"}) cannot be de-identified attribute by attribute; " +
        "list its SOP class under deidentify.encapsulated_documents.keep to publish it whole, its extractable text checked by the leak gate";

    /// <summary>
    /// Byte strings in which identifiers are looked for besides the document's own bytes: every Flate-compressed
    /// stream of a PDF inflated (page content, metadata, object streams), since a PDF keeps its text there. Text that a
    /// PDF writes as glyph indices of an embedded font cannot be read this way; the README says so.
    /// </summary>
    public static IEnumerable<byte[]> ExtractableText(ReadOnlyMemory<byte> document)
    {
        var bytes = document;
        var at = 0;
        while (true)
        {
            var stream = bytes.Span[at..].IndexOf("stream"u8);
            if (stream < 0) yield break;
            stream += at;
            var start = stream + 6;
            // "stream" is followed by CR LF or LF (PDF 32000 7.3.8.1); "endstream" is the word's other use.
            if (stream >= 3 && bytes.Span[(stream - 3)..stream].SequenceEqual("end"u8)) { at = start; continue; }
            if (start < bytes.Length && bytes.Span[start] == '\r') start++;
            if (start < bytes.Length && bytes.Span[start] == '\n') start++;
            var end = bytes.Span[start..].IndexOf("endstream"u8);
            if (end < 0) yield break;
            var inflated = Inflate(bytes.Slice(start, end));
            if (inflated is not null) yield return inflated;
            at = start + end + 9;
        }
    }

    private static byte[]? Inflate(ReadOnlyMemory<byte> data)
    {
        try
        {
            using var input = new MemoryStream(data.ToArray(), writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            // A bound on what one stream may inflate to: a document is not allowed to exhaust memory.
            var buffer = new byte[81920];
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, read);
                if (output.Length > 256L << 20) return null;
            }
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            // Not Flate data (another filter, or an uncompressed stream the raw bytes already cover).
            return null;
        }
    }

}
