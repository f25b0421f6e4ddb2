using System.Text.Json.Nodes;
using DataForge.Projects;
using DataForge.Projects.Pacs;

namespace DataForge.Cli.Commands;

/// <summary>What <c>status</c> says of DICOMweb sources: the instances pinned, and with <c>--refresh</c> what a fresh query would change (counts only).</summary>
internal static class PacsStatus
{
    public sealed record Entry(string Source, int? Pinned, int Missing, PullResult? Fresh);

    public static IReadOnlyList<Entry> Of(Project project, Func<string, string?> environment, bool refresh)
    {
        var pinned = PacsSources.Pinned(project);
        if (!refresh) return pinned.Select(p => new Entry(p.Source, p.Instances, p.Missing, null)).ToList();
        var fresh = PacsSources.Refresh(project, environment);
        return pinned.Zip(fresh, (p, f) => new Entry(p.Source, p.Instances, p.Missing, f)).ToList();
    }

    public static IEnumerable<string> Lines(IReadOnlyList<Entry> entries)
    {
        foreach (var e in entries)
        {
            var pinned = e.Pinned is { } n ? $"{n} instance{(n == 1 ? "" : "s")} pinned by the last pull" : "not pulled yet ('dataforge build' pulls it)";
            // Moved aside by fsck (or deleted): the build leaves their series out until a pull fetches them again.
            if (e.Missing > 0) pinned += $" ({e.Missing} of them not in the cache: 'dataforge pull' or 'dataforge build' fetches them again)";
            if (e.Fresh is not { } f)
                yield return $"source '{e.Source}': {pinned}; 'dataforge status --refresh' asks the server what a pull would change";
            else if (f.StudiesAdded + f.StudiesRemoved + f.InstancesAdded + f.InstancesRemoved == 0)
                yield return $"source '{e.Source}': {pinned}; a fresh query returns the same {f.Studies} studies ({f.Instances} instances)";
            else
                yield return $"source '{e.Source}': {pinned}; a fresh query would add {f.StudiesAdded} stud{(f.StudiesAdded == 1 ? "y" : "ies")} " +
                             $"({f.InstancesAdded} instances) and remove {f.StudiesRemoved} stud{(f.StudiesRemoved == 1 ? "y" : "ies")} ({f.InstancesRemoved} instances); " +
                             "'dataforge build' pulls them";
        }
    }

    public static JsonArray ToJson(IReadOnlyList<Entry> entries) => new(entries.Select(e =>
    {
        var o = new JsonObject { ["source"] = e.Source, ["pinned_instances"] = e.Pinned, ["missing_instances"] = e.Missing };
        if (e.Fresh is { } f)
            o["refresh"] = new JsonObject
            {
                ["studies"] = f.Studies,
                ["instances"] = f.Instances,
                ["studies_added"] = f.StudiesAdded,
                ["studies_removed"] = f.StudiesRemoved,
                ["instances_added"] = f.InstancesAdded,
                ["instances_removed"] = f.InstancesRemoved,
            };
        return (JsonNode)o;
    }).ToArray());
}
