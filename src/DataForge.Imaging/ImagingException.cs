namespace DataForge.Imaging;

/// <summary>
/// The root of DataForge.Imaging's exceptions: an image that cannot be read or an operation that
/// cannot be applied to a volume. Messages say what was wrong and never carry patient data.
/// </summary>
public class ImagingException : Exception
{
    public ImagingException(string message) : base(message)
    {
    }

    public ImagingException(string message, Exception inner) : base(message, inner)
    {
    }
}
