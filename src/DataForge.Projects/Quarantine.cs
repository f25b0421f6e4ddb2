using DataForge.Engine.Building;

namespace DataForge.Projects;

/// <summary>
/// The private list of items that failed in the last build: <c>.dataforge/quarantine.tsv</c>, one line
/// per item with its reference, stage, source-relative path and reason. It lives in the private zone
/// because paths may identify patients; it is rewritten by every build (and removed when none failed).
/// </summary>
public static class Quarantine
{
    public static void Write(PrivateZone zone, IReadOnlyList<ItemFailure> failures)
    {
        var path = zone.Quarantine;
        if (failures.Count == 0)
        {
            if (File.Exists(path)) File.Delete(path);
            return;
        }
        var lines = new List<string> { "reference\tstage\titem\treason" };
        lines.AddRange(failures.Select(f => $"{Engine.Building.ItemLabel.Reference(f.Item)}\t{f.StageId}\t{Clean(f.Item)}\t{Clean(f.Reason)}"));
        PrivateZone.WritePrivate(path, string.Join('\n', lines) + "\n");
    }

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}
