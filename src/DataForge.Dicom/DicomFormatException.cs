namespace DataForge.Dicom;

/// <summary>
/// Input that is not valid DICOM: carries the file (when known), the byte offset and the tag being read.
/// Messages describe the structure only and never contain a value, so they carry no PHI.
/// </summary>
public sealed class DicomFormatException : Exception
{
    public DicomFormatException(string reason, string? file = null, long offset = -1, DicomTag? tag = null, Exception? inner = null)
        : base(Compose(reason, file, offset, tag), inner)
    {
        Reason = reason;
        FilePath = file;
        Offset = offset;
        Tag = tag;
    }

    /// <summary>What was wrong, without location.</summary>
    public string Reason { get; }

    /// <summary>The file being read, or null for a stream.</summary>
    public string? FilePath { get; }

    /// <summary>Byte offset in the file (in the inflated stream for deflated data) where the problem was found; -1 if unknown.</summary>
    public long Offset { get; }

    /// <summary>The element being read, when known.</summary>
    public DicomTag? Tag { get; }

    /// <summary>The same error located in a file.</summary>
    public DicomFormatException WithFile(string file) => FilePath is null ? new(Reason, file, Offset, Tag, InnerException) : this;

    private static string Compose(string reason, string? file, long offset, DicomTag? tag)
    {
        var where = new List<string>();
        if (file is not null) where.Add(file);
        if (offset >= 0) where.Add($"offset {offset}");
        if (tag is { } t) where.Add($"tag {t}");
        return where.Count == 0 ? reason : $"{string.Join(", ", where)}: {reason}";
    }
}
