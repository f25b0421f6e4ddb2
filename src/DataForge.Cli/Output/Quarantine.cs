using DataForge.Engine.Building;
using DataForge.Engine.Store;

namespace DataForge.Cli.Output;

/// <summary>
/// The private list of items that failed in the last build: <c>.dataforge/quarantine.tsv</c>, one line
/// per item with its reference, stage, source-relative path and reason. It lives in the private zone
/// because paths may identify patients; it is rewritten by every build (and removed when none failed).
/// </summary>
public static class Quarantine
{
    public const string FileName = "quarantine.tsv";

    public static string PathIn(StoreLayout layout) => Path.Combine(layout.StateRoot, FileName);

    public static void Write(StoreLayout layout, IReadOnlyList<ItemFailure> failures)
    {
        var path = PathIn(layout);
        if (failures.Count == 0)
        {
            if (File.Exists(path)) File.Delete(path);
            return;
        }
        var lines = new List<string> { "reference\tstage\titem\treason" };
        lines.AddRange(failures.Select(f => $"{ItemReference.Of(f.Item)}\t{f.StageId}\t{Clean(f.Item)}\t{Clean(f.Reason)}"));
        var temp = path + ".tmp";
        File.WriteAllLines(temp, lines);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}
