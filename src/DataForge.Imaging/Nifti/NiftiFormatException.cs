namespace DataForge.Imaging.Nifti;

/// <summary>
/// A NIfTI or Analyze file that cannot be read: names the file and the byte offset (in the
/// decompressed stream for .gz files) where the problem was found.
/// </summary>
public sealed class NiftiFormatException : ImagingException
{
    public NiftiFormatException(string filePath, long offset, string problem, Exception? inner = null)
        : base($"{filePath}: byte {offset}: {problem}", inner ?? new InvalidDataException(problem))
    {
        FilePath = filePath;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>Byte offset of the problem (decompressed offset for gzip files).</summary>
    public long Offset { get; }

    /// <summary>What was wrong, without the file and offset.</summary>
    public string Problem { get; }
}
