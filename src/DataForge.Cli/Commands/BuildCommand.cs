using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Engine.Building;
using DataForge.Projects;
using Spectre.Console;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge build</c>: runs the pipeline incrementally on all cores.</summary>
public static class BuildCommand
{
    public static Command Create(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var jobs = new Option<int>("--jobs", "-j") { Description = "Actions run at once (default: the number of cores)." };
        var noWait = new Option<bool>("--no-wait") { Description = "Fail at once if another build holds the store's lock, instead of waiting." };
        var json = ManifestArguments.JsonOption("the build report");
        var newSecret = new Option<bool>("--new-secret")
        {
            Description = "Build with a project secret other than the one that made the store and the releases (or create one where they exist): every pseudonym, UID and date shift changes.",
        };
        var executor = ExecutionArguments.ExecutorOption();
        var command = new Command("build", """
            Build the dataset: pull DICOMweb sources (only instances not yet cached are fetched), index
            the sources (only files whose size, mtime or inode changed are re-hashed), then run each
            stage's actions whose inputs, config or implementation changed;
            everything else is served from the cache in .dataforge/. One failing item does not stop the
            others: failures are listed by item reference (paths stay in .dataforge/quarantine.tsv) and the
            exit code is 1. With execution: executor: slurm (or --executor slurm) the actions run as one
            sbatch array job per stage wave (README: Running on a cluster); Ctrl-C, SIGTERM (kill) or
            SIGHUP cancel those jobs.

            Example:
              dataforge build -j 8
            """);
        command.Options.Add(file);
        command.Options.Add(jobs);
        command.Options.Add(noWait);
        command.Options.Add(json);
        command.Options.Add(newSecret);
        command.Options.Add(executor);
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(jobs), parse.GetValue(noWait), parse.GetValue(json), parse.GetValue(newSecret), parse.GetValue(executor)));
        return command;
    }

    private static int Run(CliContext context, string file, int jobs, bool noWait, bool json, bool newSecret, string? executor)
    {
        if (jobs < 0) throw new UserErrorException("build: --jobs must be 1 or more (or 0 for all cores)");
        var project = ProjectArguments.Open(context, file, writes: true, allowNewSecret: newSecret);
        var slurm = ExecutionArguments.Slurm(project, executor);
        var options = ProjectArguments.Engine(context, jobs, noWait) with { Slurm = slurm };
        if (slurm is null) return Build(context, project, options, json, newSecret);
        // Ctrl-C cancels a cluster build and its jobs with it (scancel), rather than leaving them queued; so do SIGTERM
        // (kill, timeout, systemd or a batch system stopping the coordinator) and SIGHUP (its terminal closed).
        using var cancel = new CancellationTokenSource();
        // The first signal stops the build cleanly (a cluster build cancels its jobs); a second one ends the process at
        // once, as a user expects when a step does not stop soon (a killed build is completed by the next).
        bool KeepRunning()
        {
            if (cancel.IsCancellationRequested) return false;
            cancel.Cancel();
            return true;
        }
        ConsoleCancelEventHandler onCancel = (_, e) => e.Cancel = KeepRunning();
        Console.CancelKeyPress += onCancel;
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = KeepRunning());
        using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => c.Cancel = KeepRunning());
        try
        {
            return Build(context, project, options with { CancellationToken = cancel.Token }, json, newSecret);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            context.Console.Problem("dataforge: build cancelled (the cluster jobs it submitted were cancelled); what finished is kept for the next build");
            return ExitCodes.Failed;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static int Build(CliContext context, Project project, BuildOptions options, bool json, bool newSecret)
    {
        // DICOMweb sources first: their caches filled and pinned, so the build reads them as folders.
        var pulled = PullStep.Run(context, project, json);
        ProjectBuildResult built;
        if (context.Console.Interactive && !json)
        {
            // On a terminal, a progress bar per stage while the engine works; plain lines otherwise.
            built = BuildWithBars(context, project, options);
        }
        else
        {
            // Redirected: a line per stage every few seconds on stderr, so a long build in a CI log is not silent.
            var lines = new ProgressLines(context.Console, ProgressLines.IntervalFrom(context.Environment));
            built = project.Build(options with { OnProgress = lines.Report });
        }
        var result = built.Build;
        if (result.Outcome == BuildOutcome.LockBusy)
        {
            var message = $"another build holds the store's lock ({result.LockHolder}); run again when it ends, or without --no-wait to wait";
            if (json) JsonOutput.Write(context.Console, new JsonObject { ["outcome"] = "lock-busy", ["message"] = message });
            context.Console.Problem("dataforge: " + message);
            return ExitCodes.Failed;
        }
        if (!json) foreach (var note in built.Notes) context.Console.Note(note);
        AuditTrail.Record(project.Zone, "build", new JsonObject
        {
            ["succeeded"] = built.Succeeded,
            ["files"] = result.Index.Files,
            ["hashed"] = result.Index.Hashed,
            ["ran"] = result.ExecutedCount,
            ["failed"] = result.Failures.Count,
            ["written"] = result.Output.Written,
            ["removed"] = result.Output.Removed,
            ["new_secret"] = newSecret,
            ["secret_fingerprint"] = project.SecretFingerprint,
        });
        var manifest = project.Manifest;
        var layout = project.Zone.Layout;
        if (manifest.Deidentify is null && manifest.Curate is null && !json)
            context.Console.Note("note: the manifest has no deidentify: section, so no image is published to the output folder (sources are only indexed and checked)");
        if (json)
        {
            var document = ToJson(result);
            document["succeeded"] = built.Succeeded;
            if (pulled.Count > 0) document["pull"] = new JsonArray(pulled.Select(r => (JsonNode)PullStep.ToJson(r)).ToArray());
            document["problems"] = new JsonArray(built.Problems.Select(p => (JsonNode)JsonValue.Create(p)).ToArray());
            if (ScreeningSummary.ToJson(layout.OutputRoot) is { } screening) document["screening"] = screening;
            if (manifest.Curate is not null && CurationSummary.ToJson(layout.OutputRoot) is { } curation) document["curation"] = curation;
            if (LabelsSummary.ToJson(layout.OutputRoot, Annotations(manifest)) is { } labels) document["labels"] = labels;
            if (manifest.Splits is not null && SplitsSummary.ToJson(layout.OutputRoot) is { } splits) document["splits"] = splits;
            if (manifest.Output.Layout is "nnunet" or "monai" && LayoutSummary.ToJson(layout.OutputRoot) is { } summary) document["layout"] = summary;
            if (manifest.Output.Layout == "png" && PngSummary.ToJson(layout.OutputRoot) is { } png) document["png"] = png;
            JsonOutput.Write(context.Console, document);
            foreach (var problem in built.Problems) context.Console.Problem("dataforge: " + problem);
        }
        else
        {
            Render(context, built, project.Zone);
            ScreeningSummary.Write(context.Console, layout.OutputRoot);
            if (manifest.Curate is not null) CurationSummary.Write(context.Console, layout.OutputRoot);
            LabelsSummary.Write(context.Console, layout.OutputRoot, Annotations(manifest));
            if (manifest.Splits is not null) SplitsSummary.Write(context.Console, layout.OutputRoot);
            if (manifest.Output.Layout is "nnunet" or "monai") LayoutSummary.Write(context.Console, layout.OutputRoot);
            if (manifest.Output.Layout == "png") PngSummary.Write(context.Console, layout.OutputRoot);
        }
        return built.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
    }

    // Spectre.Console's types are used only here and in WriteTable: a redirected build never loads that library.
    private static ProjectBuildResult BuildWithBars(CliContext context, Project project, BuildOptions options)
    {
        ProjectBuildResult? done = null;
        context.Console.Ansi.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var gate = new object();
                var withBars = options with
                {
                    OnProgress = p =>
                    {
                        lock (gate)
                        {
                            if (!bars.TryGetValue(p.StageId, out var bar))
                                bars[p.StageId] = bar = progress.AddTask(p.StageId, maxValue: Math.Max(1, p.Total));
                            bar.Value = p.Total == 0 ? 1 : p.Done;
                        }
                    },
                };
                done = project.Build(withBars);
            });
        return done!;
    }

    private static IEnumerable<string> Annotations(Manifest.Model.DataForgeManifest manifest) =>
        manifest.Labels?["annotations"] is JsonArray a ? a.Select(x => x?["name"]?.GetValue<string>()).OfType<string>() : [];

    private static void WriteTable(CliContext context, BuildResult result)
    {
        var index = result.Index;
        var table = new Table().AddColumns("stage", "items", "ran", "cached", "failed");
        table.AddRow("index", index.Files.ToString(CultureInfo.InvariantCulture), index.Hashed.ToString(CultureInfo.InvariantCulture), (index.Files - index.Hashed).ToString(CultureInfo.InvariantCulture), index.Unreadable.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var s in result.Stages)
            table.AddRow(s.StageId, $"{s.Total}", $"{s.Executed}", $"{s.Cached}", s.Failed > 0 ? $"[red]{s.Failed}[/]" : "0");
        context.Console.Ansi.Write(table);
    }

    private static void Render(CliContext context, ProjectBuildResult built, PrivateZone zone)
    {
        var result = built.Build;
        foreach (var notice in result.Notices) context.Console.Note(notice);
        var index = result.Index;
        var mb = (index.BytesHashed / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
        if (context.Console.Interactive) WriteTable(context, result);
        else
        {
            context.Console.Out.WriteLine($"index: {index.Files} files, {index.Hashed} hashed ({mb} MB read), {index.Renamed} renamed, {index.Removed} removed");
            foreach (var s in result.Stages)
                context.Console.Out.WriteLine($"{s.StageId}: {s.Total} item{(s.Total == 1 ? "" : "s")}: {s.Executed} ran, {s.Cached} cached" +
                    (s.SharedHits > 0 ? $" ({s.SharedHits} from the shared cache)" : "") + $", {s.Failed} failed");
        }
        context.Console.Out.WriteLine($"output: {result.Output.Written} written, {result.Output.Kept} kept, {result.Output.Removed} removed");
        foreach (var f in result.Failures)
            context.Console.Problem($"{f.StageId}: item {ItemReference.Of(f.Item)}: {f.Reason}");
        foreach (var problem in built.Problems) context.Console.Problem("dataforge: " + problem);
        if (result.Failures.Count > 0)
        {
            context.Console.Problem($"build finished with {result.Failures.Count} failed item{(result.Failures.Count == 1 ? "" : "s")}; " +
                                    $"their paths are listed in {zone.Show(zone.Quarantine)} (private)");
        }
        else if (built.Problems.Count > 0)
        {
            context.Console.Problem("build finished, but with the problem above");
        }
        else
        {
            context.Console.Out.WriteLine("build succeeded");
        }
    }

    internal static JsonObject ToJson(BuildResult result)
    {
        var stages = new JsonArray();
        foreach (var s in result.Stages)
            stages.Add(new JsonObject
            {
                ["stage"] = s.StageId,
                ["total"] = s.Total,
                ["executed"] = s.Executed,
                ["cached"] = s.Cached,
                // Of cached: served from the shared action cache (state:), made by another project or machine.
                ["shared"] = s.SharedHits,
                ["failed"] = s.Failed,
            });
        var failures = new JsonArray();
        foreach (var f in result.Failures)
            failures.Add(new JsonObject { ["stage"] = f.StageId, ["item"] = ItemReference.Of(f.Item), ["reason"] = f.Reason });
        return new JsonObject
        {
            ["outcome"] = "completed",
            ["succeeded"] = result.Succeeded,
            ["index"] = new JsonObject
            {
                ["files"] = result.Index.Files,
                ["hashed"] = result.Index.Hashed,
                ["bytes_hashed"] = result.Index.BytesHashed,
                ["renamed"] = result.Index.Renamed,
                ["added"] = result.Index.Added,
                ["changed"] = result.Index.Changed,
                ["removed"] = result.Index.Removed,
                ["unreadable"] = result.Index.Unreadable.Count,
            },
            ["stages"] = stages,
            ["output"] = new JsonObject
            {
                ["written"] = result.Output.Written,
                ["kept"] = result.Output.Kept,
                ["removed"] = result.Output.Removed,
            },
            ["failures"] = failures,
        };
    }
}
