namespace DataForge.Imaging.Raster;

/// <summary>
/// A PNG, TIFF or BMP file that cannot be read: what is wrong and the byte offset in the file where it was
/// found (a truncated file: its length). Never a value of the file's text.
/// </summary>
public sealed class RasterFormatException : ImagingException
{
    public RasterFormatException(long offset, string problem) : base($"byte {offset}: {problem}")
    {
        Offset = offset;
        Problem = problem;
    }

    /// <summary>Where in the file the problem is.</summary>
    public long Offset { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}
