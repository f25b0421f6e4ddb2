namespace DataForge.Cli;

/// <summary>
/// A problem the user can fix (bad argument, missing file). Printed as one line without a stack
/// trace; the message must not carry PHI.
/// </summary>
public sealed class UserErrorException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    /// <summary>The exit code the process ends with.</summary>
    public int ExitCode { get; } = exitCode;
}
