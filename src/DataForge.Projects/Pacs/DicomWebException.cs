namespace DataForge.Projects.Pacs;

/// <summary>
/// A DICOMweb server could not do what was asked. The message names the source or destination by its manifest
/// name and the server by host and port only: never a URL's user information, a credential or a patient's data.
/// <see cref="IsSetup"/>: wrong credentials, a refused certificate or an unreachable host, which the user fixes
/// (exit 2); otherwise the server failed (exit 1).
/// </summary>
public sealed class DicomWebException(string message, bool isSetup) : Exception(message)
{
    /// <summary>True for a problem of setup (credentials, TLS, address) rather than of the server's answers.</summary>
    public bool IsSetup { get; } = isSetup;
}
