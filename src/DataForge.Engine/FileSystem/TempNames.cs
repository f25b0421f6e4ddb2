using System.Security.Cryptography;

namespace DataForge.Engine.FileSystem;

/// <summary>
/// Unique suffixes for temporary files: this process's id, a random token drawn once (cluster workers on several
/// nodes may share a store, and their process ids may coincide) and a counter. A GUID per file read 16 bytes of
/// /dev/urandom each time: three system calls per de-identified item.
/// </summary>
internal static class TempNames
{
    private static readonly string Process = $"{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
    private static long _counter;

    /// <summary>A suffix no other call of any process makes.</summary>
    public static string Next() => $"{Process}-{Interlocked.Increment(ref _counter)}";
}
