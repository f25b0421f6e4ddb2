using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Release;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge fsck</c>: re-hashes every store object and lists the damaged ones with the outputs and releases they belong to.</summary>
public static class FsckCommand
{
    /// <summary>How many paths the text output lists per damaged object and release (--json lists all).</summary>
    private const int ListLimit = 10;

    public static Command Create(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("what was checked and found");
        var command = new Command("fsck", """
            Re-hash every object in .dataforge/objects. An object whose bytes no longer hash to its name
            (an output written through a hard link, or damage on disk) is listed with the output files
            and the releases it belongs to, and moved to .dataforge/damaged/: the next 'dataforge build'
            makes it again from its action and restores those files. Takes the build lock. Exit code 0
            when every object is intact, 1 when any was damaged.

            Example:
              dataforge fsck
            """);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string file, bool json)
    {
        var manifest = ManifestArguments.LoadOrFail(context, file);
        var engine = new BuildEngine(Stages.PipelineFactory.Layout(manifest));
        var check = engine.CheckStore(new BuildOptions { OnMessage = m => context.Console.Note(m) });
        if (check.Outcome == BuildOutcome.LockBusy)
        {
            context.Console.Problem("dataforge: another build holds the store's lock; run fsck when it ends");
            return ExitCodes.Failed;
        }
        var releases = check.Damaged.Count == 0 ? [] : ReleaseFiles(manifest);
        var damaged = new JsonArray();
        foreach (var d in check.Damaged)
        {
            var inReleases = releases.Select(r => (r.Version, Paths: r.Files.Where(f => f.Sha256 == d.Object.Hex).Select(f => f.Path).ToList()))
                .Where(r => r.Paths.Count > 0).ToList();
            damaged.Add(new JsonObject
            {
                ["object"] = d.Object.Hex,
                ["outputs"] = new JsonArray(d.Outputs.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
                ["releases"] = new JsonArray(inReleases.Select(r => (JsonNode)new JsonObject
                {
                    ["version"] = r.Version,
                    ["paths"] = new JsonArray(r.Paths.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
                }).ToArray()),
            });
            if (json) continue;
            context.Console.Out.WriteLine($"damaged: object {d.Object.Short} (moved to .dataforge/damaged/)");
            foreach (var p in d.Outputs.Take(ListLimit)) context.Console.Out.WriteLine($"  output: {p}");
            if (d.Outputs.Count > ListLimit) context.Console.Out.WriteLine($"  ... and {d.Outputs.Count - ListLimit} more outputs");
            foreach (var (version, paths) in inReleases)
                context.Console.Out.WriteLine($"  release {version}: {string.Join(", ", paths.Take(ListLimit))}{(paths.Count > ListLimit ? $" and {paths.Count - ListLimit} more" : "")}");
        }
        if (json)
        {
            JsonOutput.Write(context.Console, new JsonObject
            {
                ["objects_checked"] = check.Checked,
                ["bytes_checked"] = check.Bytes,
                ["damaged"] = damaged,
            });
        }
        else
        {
            context.Console.Out.WriteLine($"checked {check.Checked} objects ({ReleaseSupport.Size(check.Bytes)}): {check.Damaged.Count} damaged");
            if (check.Damaged.Count > 0)
                context.Console.Out.WriteLine("run 'dataforge build' to make the damaged objects again from their actions and restore their outputs");
        }
        return check.Damaged.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>Every release's files from its manifest in Git; none (with a note) when the project has no repository.</summary>
    private static List<(string Version, IReadOnlyList<ReleaseFile> Files)> ReleaseFiles(Manifest.Model.DataForgeManifest manifest)
    {
        try
        {
            using var repo = ReleaseSupport.OpenRepository(manifest);
            return ReleaseSupport.Guard(() => repo.Releases(manifest.Release.TagPrefix))
                .Select(tag => (tag.Version, (IReadOnlyList<ReleaseFile>)ReleaseManifestJson.Parse(tag.ManifestJson, tag.Tag).Files)).ToList();
        }
        catch (UserErrorException)
        {
            return [];
        }
    }
}
