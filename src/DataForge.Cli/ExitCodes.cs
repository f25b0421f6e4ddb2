namespace DataForge.Cli;

/// <summary>The exit codes that users and scripts rely on (DESIGN.md, command line).</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran but something failed: items failed, a verify mismatch, the leak gate blocked.</summary>
    public const int Failed = 1;

    /// <summary>Usage or manifest error: nothing was done.</summary>
    public const int Usage = 2;
}
