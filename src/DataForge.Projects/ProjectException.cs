namespace DataForge.Projects;

/// <summary>
/// A project cannot do what was asked, for a reason the user can fix (a missing or different secret, a
/// vault that does not open, a release that cannot be rebuilt). The message names no patient and no
/// source path; <see cref="IsUsage"/> tells the CLI to end with exit code 2 rather than 1.
/// </summary>
public sealed class ProjectException(string message, bool isUsage = true, IReadOnlyList<string>? details = null) : Exception(message)
{
    /// <summary>Lines that explain the message (problems found), printed before it; no PHI.</summary>
    public IReadOnlyList<string> Details { get; } = details ?? [];

    /// <summary>True for a setup problem (exit 2), false for a failed check (exit 1).</summary>
    public bool IsUsage { get; } = isUsage;
}
