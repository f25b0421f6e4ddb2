using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Projects;
using DataForge.Projects.Pacs;
using DataForge.Release;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge fsck</c>: re-hashes every store object and every cached instance of the DICOMweb sources, and lists the
/// damaged ones with the outputs and releases they belong to (cached instances by hash and reference only).
/// </summary>
public static class FsckCommand
{
    /// <summary>How many paths the text output lists per damaged object and release, and cached instances per source and kind (--json lists all).</summary>
    private const int ListLimit = 10;

    public static Command Create(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("what was checked and found");
        var command = new Command("fsck", """
            Re-hash every object in .dataforge/objects. An object whose bytes no longer hash to its name
            (an output written through a hard link, or damage on disk) is listed with the output files
            and the releases it belongs to, and moved to .dataforge/damaged/: the next 'dataforge build'
            makes it again from its action and restores those files. Then re-hash every cached instance
            of each DICOMweb source (.dataforge/pacs/SOURCE/objects): one whose bytes no longer hash to
            its name is listed by hash (with its item and series references and the releases that read
            it) and moved to .dataforge/pacs/SOURCE/damaged/, and pinned ones that are not cached are
            listed: 'dataforge pull' fetches them again. Both checks hold the build lock. The text lists
            10 entries per list and counts the rest; --json lists all. Exit code 0 when everything is
            intact, 1 when anything was damaged or missing.

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
        IReadOnlyList<PacsCacheCheck> caches = [];
        // The caches are checked under the build lock: a build starting meanwhile could read a series half moved aside.
        var check = engine.CheckStore(new BuildOptions { OnMessage = m => context.Console.Note(m) },
            () => caches = PacsSources.Check(manifest, Project.ZoneOf(manifest), Environment.ProcessorCount));
        if (check.Outcome == BuildOutcome.LockBusy)
        {
            context.Console.Problem("dataforge: another build holds the store's lock; run fsck when it ends");
            return ExitCodes.Failed;
        }
        var releases = check.Damaged.Count == 0 && caches.All(c => c.Intact) ? [] : Releases(manifest);
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
        var cacheJson = new JsonArray(caches.Select(c => (JsonNode)CacheJson(c, releases)).ToArray());
        if (!json)
            foreach (var c in caches) WriteCache(context, c, releases);
        if (json)
        {
            JsonOutput.Write(context.Console, new JsonObject
            {
                ["objects_checked"] = check.Checked,
                ["bytes_checked"] = check.Bytes,
                ["damaged"] = damaged,
                ["dicomweb"] = cacheJson,
            });
        }
        else
        {
            context.Console.Out.WriteLine($"checked {check.Checked} objects ({ReleaseSupport.Size(check.Bytes)}): {check.Damaged.Count} damaged");
            if (check.Damaged.Count > 0)
                context.Console.Out.WriteLine("run 'dataforge build' to make the damaged objects again from their actions and restore their outputs");
            foreach (var c in caches)
                context.Console.Out.WriteLine($"checked {c.Checked} cached instances of source '{c.Source}' ({ReleaseSupport.Size(c.Bytes)}): {c.Damaged.Count} damaged, {c.Missing.Count} missing");
            if (caches.Any(c => !c.Intact))
                context.Console.Out.WriteLine("run 'dataforge pull' (or 'dataforge build', which pulls first) to fetch the damaged and missing instances again; " +
                                              "'dataforge verify' fetches a release's instances again by itself");
        }
        return check.Damaged.Count == 0 && caches.All(c => c.Intact) ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>The releases that read a cached instance of a source.</summary>
    private static List<string> ReadBy(List<ReleaseManifest> releases, string source, string sha256) =>
        releases.Where(r => r.Sources.Any(s => s.Source == source && s.Sha256 == sha256)).Select(r => r.Version).ToList();

    private static void WriteCache(CliContext context, PacsCacheCheck c, List<ReleaseManifest> releases)
    {
        foreach (var (kind, problems) in new[] { ("damaged", c.Damaged), ("missing", c.Missing) })
        {
            foreach (var p in problems.Take(ListLimit))
            {
                var where = kind == "damaged" ? $"moved to .dataforge/pacs/{c.Source}/damaged/" : "not in the cache";
                context.Console.Out.WriteLine($"{kind}: source '{c.Source}' cached instance {p.Sha256[..12]} (item {p.Item}" +
                                              $"{(p.Series is { } series ? $", series {series}" : "")}{(p.Pinned ? ", pinned" : "")}): {where}");
                var by = ReadBy(releases, c.Source, p.Sha256);
                if (by.Count > 0) context.Console.Out.WriteLine($"  read by release{(by.Count == 1 ? "" : "s")} {string.Join(", ", by)}");
            }
            if (problems.Count > ListLimit)
                context.Console.Out.WriteLine($"  ... and {problems.Count - ListLimit} more {kind} cached instances of source '{c.Source}' (--json lists all)");
        }
    }

    private static JsonObject CacheJson(PacsCacheCheck c, List<ReleaseManifest> releases)
    {
        JsonArray List(IReadOnlyList<CachedInstanceProblem> problems) => new(problems.Select(p => (JsonNode)new JsonObject
        {
            ["sha256"] = p.Sha256,
            ["item"] = p.Item,
            ["series"] = p.Series,
            ["pinned"] = p.Pinned,
            ["releases"] = new JsonArray(ReadBy(releases, c.Source, p.Sha256).Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
        }).ToArray());
        return new JsonObject
        {
            ["source"] = c.Source,
            ["instances_checked"] = c.Checked,
            ["bytes_checked"] = c.Bytes,
            ["damaged"] = List(c.Damaged),
            ["missing"] = List(c.Missing),
        };
    }

    /// <summary>Every release's manifest from Git; none when the project has no repository.</summary>
    private static List<ReleaseManifest> Releases(Manifest.Model.DataForgeManifest manifest)
    {
        try
        {
            using var repo = ReleaseSupport.OpenRepository(manifest);
            return ReleaseSupport.Guard(() => repo.Releases(manifest.Release.TagPrefix))
                .Select(tag => ReleaseManifestJson.Parse(tag.ManifestJson, tag.Tag)).ToList();
        }
        catch (UserErrorException)
        {
            return [];
        }
    }
}
