using System.Globalization;
using DataForge.Engine.Store;

namespace DataForge.Cli.Output;

/// <summary>
/// The user's message for a write the environment refused (disk full, read-only file system, no permission): which
/// area, how much more space when known, and that nothing was damaged, so running the command again resumes. No path.
/// </summary>
public static class StorageMessage
{
    public static string For(StorageException e)
    {
        var where = e.Area switch
        {
            StorageArea.Store => "the store (.dataforge/objects and state.db)",
            StorageArea.Output => "the output folder (output.path)",
            StorageArea.Temp => ".dataforge/tmp (where output files are made before they are moved into the output folder)",
            _ => "a folder this command uses",
        };
        return e.Problem switch
        {
            StorageProblem.NoSpace =>
                $"no space left for {where}{(e.BytesShort is { } shortBy ? $": about {Size(shortBy)} more is needed" : "")}. "
                + "Nothing was damaged: free some space (or point output.path at a larger disk) and run the command again; a build resumes where it stopped",
            StorageProblem.ReadOnly =>
                $"{where} is on a read-only file system. Nothing was damaged: make it writable (or point output.path elsewhere) and run the command again",
            _ =>
                $"permission denied for {where}. Nothing was damaged: give this user write access to it (or point output.path elsewhere) and run the command again",
        };
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " bytes",
    };
}
