namespace DataForge.Manifest.Model;

/// <summary>
/// <c>auth:</c> of a DICOMweb source or destination: where its credentials come from (<c>env:NAME</c> or
/// <c>file:PATH</c>), never the credentials. <c>basic</c> names a <c>user:password</c> text, <c>bearer</c> a token.
/// </summary>
public sealed record DicomWebAuth
{
    /// <summary>Reference to <c>user:password</c> for HTTP Basic authentication.</summary>
    public string? Basic { get; init; }

    /// <summary>Reference to a bearer token.</summary>
    public string? Bearer { get; init; }
}
