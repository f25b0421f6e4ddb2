using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Projects;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge status</c>: what a build would run and why, without running it.</summary>
public static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var verbose = new Option<bool>("--verbose", "-v") { Description = "List every action that would run, by item reference." };
        var json = ManifestArguments.JsonOption("the status");
        var refresh = new Option<bool>("--refresh") { Description = "Ask each DICOMweb source's server what a pull would add or remove now (by count); nothing is fetched." };
        var command = new Command("status", """
            Say what 'dataforge build' would do and why, per stage: new input, changed input, config
            changed, implementation version changed, output missing (like ninja -d explain). Reads only
            file metadata for unchanged files. A DICOMweb source is read as its last pull pinned it;
            --refresh queries its server and says how many studies and instances a pull would add or
            remove. Exit code 0 whether or not work is pending.

            Example:
              dataforge status -v
            """);
        command.Options.Add(file);
        command.Options.Add(verbose);
        command.Options.Add(json);
        command.Options.Add(refresh);
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(verbose), parse.GetValue(json), parse.GetValue(refresh)));
        return command;
    }

    private static int Run(CliContext context, string file, bool verbose, bool json, bool refresh)
    {
        var project = ProjectArguments.Open(context, file);
        var (status, problems) = project.Status(ProjectArguments.Engine(context, 0));
        var pacs = PacsStatus.Of(project, context.Environment, refresh);
        var cluster = project.ClusterWork();
        foreach (var problem in problems) context.Console.Problem("dataforge: " + problem);
        var byStage = status.WouldRun.GroupBy(e => e.StageId).ToDictionary(g => g.Key, g => g.ToList());
        if (json)
        {
            var stages = new JsonArray();
            foreach (var s in status.Stages)
            {
                var reasons = new JsonObject();
                foreach (var g in byStage.GetValueOrDefault(s.StageId, []).GroupBy(e => e.Text).OrderBy(g => g.Key, StringComparer.Ordinal))
                    reasons[g.Key] = g.Count();
                stages.Add(new JsonObject
                {
                    ["stage"] = s.StageId,
                    ["total"] = s.Total,
                    ["would_run"] = s.Executed,
                    ["up_to_date"] = s.Cached,
                    // Of up_to_date: what the shared action cache (state:) holds and the build would take from it.
                    ["shared"] = s.SharedHits,
                    ["reasons"] = reasons,
                });
            }
            JsonOutput.Write(context.Console, new JsonObject
            {
                ["up_to_date"] = status.UpToDate,
                ["index"] = new JsonObject
                {
                    ["files"] = status.Index.Files,
                    ["to_hash"] = status.Index.Hashed,
                    ["added"] = status.Index.Added,
                    ["changed"] = status.Index.Changed,
                    ["removed"] = status.Index.Removed,
                },
                ["stages"] = stages,
                ["outputs_to_restore"] = status.OutputsToRestore,
                ["outputs_to_remove"] = status.OutputsToRemove,
                ["problems"] = new JsonArray(problems.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
                ["outputs_pending"] = status.OutputsPending,
                ["dicomweb"] = PacsStatus.ToJson(pacs),
                ["cluster"] = cluster is null ? null : new JsonObject
                {
                    ["stages"] = new JsonArray(cluster.Stages.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
                    ["running"] = cluster.Running,
                    ["pending"] = cluster.Pending,
                },
            });
            return ExitCodes.Success;
        }
        foreach (var notice in status.Notices) context.Console.Note(notice);
        foreach (var line in PacsStatus.Lines(pacs)) context.Console.Out.WriteLine(line);
        if (cluster is not null)
            context.Console.Out.WriteLine($"cluster: a build's work is in .dataforge/work ({string.Join(", ", cluster.Stages)}): "
                + (cluster.Running is { } running ? $"{running} task(s) running, {cluster.Pending} pending" : "Slurm cannot be asked how its tasks are")
                + "; the next build records what finished");
        // Items are named as the last build published them (pseudonym, series, instance), else by reference.
        var names = verbose ? ItemNames.Of(project.Engine, status.WouldRun, ProjectArguments.Engine(context, 0)) : new Dictionary<string, string>();
        var index = status.Index;
        context.Console.Out.WriteLine($"index: {index.Files} files: {index.Added} new, {index.Changed} changed, {index.Removed} removed");
        foreach (var s in status.Stages)
        {
            var reasons = byStage.GetValueOrDefault(s.StageId, []).GroupBy(e => e.Text).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} {g.Key}");
            var why = s.Executed > 0 ? $" ({string.Join(", ", reasons)})" : "";
            var shared = s.SharedHits > 0 ? $"; {s.SharedHits} would be taken from the shared cache" : "";
            context.Console.Out.WriteLine($"{s.StageId}: {s.Executed} of {s.Total} would run{why}{shared}");
            if (verbose)
                foreach (var e in byStage.GetValueOrDefault(s.StageId, []))
                    context.Console.Out.WriteLine(names.TryGetValue(e.Item, out var name)
                        ? $"  {name} ({ItemReference.Of(e.Item)}): {e.Text}"
                        : $"  {ItemReference.Of(e.Item)}{(e.Reason == Engine.Planning.RunReason.NewInput ? " (not built yet)" : "")}: {e.Text}");
        }
        if (status.OutputsToRestore + status.OutputsToRemove + status.OutputsPending > 0)
            context.Console.Out.WriteLine($"output: {status.OutputsToRestore} to restore, {status.OutputsToRemove} to remove"
                + (status.OutputsPending > 0 ? $", {status.OutputsPending} made again or removed by the actions that would run" : ""));
        context.Console.Out.WriteLine(status.UpToDate ? "up to date" : "a build would do the work above");
        return ExitCodes.Success;
    }
}
