namespace DataForge.Release;

/// <summary>
/// A release operation that cannot go ahead, with a message for the user (no PHI).
/// <see cref="IsUsage"/>: bad input (unknown version, no repository, tag exists), exit code 2; otherwise 1.
/// </summary>
public sealed class ReleaseException(string message, bool isUsage = true) : Exception(message)
{
    public bool IsUsage { get; } = isUsage;
}
