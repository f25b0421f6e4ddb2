namespace DataForge.Manifest;

/// <summary>
/// One problem found in a manifest, printed as <c>FILE:LINE:COL: message</c> like a compiler
/// (or <c>FILE: message</c> when the problem is the file itself). Messages quote only the
/// manifest's own text (keys, option names), never data read from sources.
/// </summary>
public sealed record ManifestDiagnostic(string File, SourceLocation? Location, string Message)
{
    public override string ToString() =>
        Location is { } at ? $"{File}:{at.Line}:{at.Column}: {Message}" : $"{File}: {Message}";
}
