using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Projects;
using DataForge.Projects.Pacs;
using Spectre.Console;

namespace DataForge.Cli.Commands;

/// <summary>
/// The pull that opens a build of a project with DICOMweb sources: progress while it runs (a bar per source on a
/// terminal, a line every few seconds when redirected), a summary line per source, and an audit record with counts.
/// </summary>
internal static class PullStep
{
    /// <summary>Pulls every DICOMweb source; returns the results (empty without such a source).</summary>
    public static IReadOnlyList<PullResult> Run(CliContext context, Project project, bool json)
    {
        if (PacsSources.Of(project.Manifest).Count == 0) return [];
        IReadOnlyList<PullResult> results;
        if (context.Console.Interactive && !json)
        {
            results = PullWithBars(context, project);
        }
        else
        {
            var lines = new ProgressLines(context.Console, ProgressLines.IntervalFrom(context.Environment));
            results = project.Pull(context.Environment, p => lines.Report("pull " + p.Name, p.Done, p.Total, p.Bytes));
        }
        if (!json)
            foreach (var r in results) context.Console.Out.WriteLine(Summary(r));
        AuditTrail.Record(project.Zone, "pull", new JsonObject
        {
            ["sources"] = results.Count,
            ["studies"] = results.Sum(r => r.Studies),
            ["instances"] = results.Sum(r => r.Instances),
            ["fetched"] = results.Sum(r => r.Fetched),
            ["bytes"] = results.Sum(r => r.Bytes),
        });
        return results;
    }

    // Spectre.Console's types are used only here: a redirected build never loads that library.
    private static IReadOnlyList<PullResult> PullWithBars(CliContext context, Project project)
    {
        IReadOnlyList<PullResult>? done = null;
        context.Console.Ansi.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                done = project.Pull(context.Environment, p =>
                {
                    if (!bars.TryGetValue(p.Name, out var bar)) bars[p.Name] = bar = progress.AddTask("pull " + p.Name, maxValue: Math.Max(1, p.Total));
                    bar.Value = p.Total == 0 ? 1 : p.Done;
                    bar.Description = $"pull {p.Name}: {p.Done}/{p.Total} instances, {(p.Bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture)} MB";
                });
            });
        return done!;
    }

    /// <summary><c>pull: source 'pacs': 2 studies, 4 series, 12 instances (12 fetched, 1.2 MB; 0 cached)</c>.</summary>
    public static string Summary(PullResult r)
    {
        var mb = (r.Bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
        var change = r.HadPin && r.StudiesAdded + r.StudiesRemoved + r.InstancesAdded + r.InstancesRemoved > 0
            ? $"; since the last pull {r.StudiesAdded} studies added, {r.StudiesRemoved} removed ({r.InstancesAdded} instances added, {r.InstancesRemoved} removed)"
            : "";
        return $"pull: {r.Source}: {r.Studies} stud{(r.Studies == 1 ? "y" : "ies")}, {r.Series} series, {r.Instances} instances " +
               $"({r.Fetched} fetched, {mb} MB; {r.Instances - r.Fetched} cached){change}";
    }

    /// <summary>A result as JSON (counts only).</summary>
    public static JsonObject ToJson(PullResult r) => new()
    {
        ["source"] = r.Source,
        ["studies"] = r.Studies,
        ["series"] = r.Series,
        ["instances"] = r.Instances,
        ["fetched"] = r.Fetched,
        ["bytes"] = r.Bytes,
        ["studies_added"] = r.StudiesAdded,
        ["studies_removed"] = r.StudiesRemoved,
        ["instances_added"] = r.InstancesAdded,
        ["instances_removed"] = r.InstancesRemoved,
    };
}
