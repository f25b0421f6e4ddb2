using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Store;
using DataForge.Release;
using DataForge.Stages;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge verify [VERSION]</c>: rebuilds a release from the sources in a fresh store and compares every byte.</summary>
public static class VerifyCommand
{
    /// <summary>How many paths the text output lists per kind of mismatch (--json lists all).</summary>
    private const int ListLimit = 50;

    public static Command Create(CliContext context)
    {
        var version = new Argument<string?>("VERSION") { Description = "The release to verify (default: the latest).", Arity = ArgumentArity.ZeroOrOne };
        var sourcesOnly = new Option<bool>("--sources-only") { Description = "Only check that the current sources still hash to what the release read." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Actions run at once in the rebuild (default: the number of cores)." };
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("the verification");
        var command = new Command("verify", """
            Prove a release rebuilds bit for bit: check out its manifest file from the release's tag,
            build it from the current sources into a fresh temporary store with the project secret, and
            compare every output's SHA-256 with the release manifest. Prints matched, differing, missing
            and extra files; a source file the release read that is no longer there is named by its item
            reference. Exit code 0 only when every file matches, 1 otherwise, 2 for an unknown version.

            Example:
              dataforge verify v1.0
            """);
        command.Arguments.Add(version);
        command.Options.Add(sourcesOnly);
        command.Options.Add(jobs);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(context, parse.GetValue(version), parse.GetValue(sourcesOnly), parse.GetValue(jobs), parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string? version, bool sourcesOnly, int jobs, string file, bool json)
    {
        if (jobs < 0) throw new UserErrorException("verify: --jobs must be 1 or more (or 0 for all cores)");
        var setup = EngineSetup.Load(context, file, readOnly: true);
        using var repo = ReleaseSupport.OpenRepository(setup.Manifest);
        if (version is null)
        {
            var all = ReleaseSupport.Guard(() => repo.Releases(setup.Manifest.Release.TagPrefix));
            version = all.Count > 0 ? all[^1].Version : throw new UserErrorException("there are no releases yet to verify");
        }
        var (tag, release) = ReleaseSupport.Find(repo, setup.Manifest, version);

        // The pipeline exactly as released: the manifest file from the tag, paths resolved in the project folder.
        var manifestName = ReleaseSupport.ManifestFileName(setup.Manifest);
        var text = ReleaseSupport.Guard(() => repo.ReadAt(tag.Tag, manifestName))
            ?? throw new UserErrorException($"release {tag.Version} has no {manifestName} in its commit");
        var loaded = context.Loader.LoadText(text, $"{tag.Tag}:{manifestName}", setup.Manifest.BaseDirectory);
        if (!loaded.Succeeded)
        {
            foreach (var problem in loaded.Problems) context.Console.Problem(problem.ToString());
            throw new ManifestRejectedException(loaded.Problems);
        }
        var manifest = loaded.Manifest!;
        byte[]? secret = null;
        if (PipelineFactory.NeedsSecret(manifest))
        {
            try
            {
                secret = ProjectSecret.Resolve(manifest, setup.Engine.Layout, context.Environment, out _, create: false);
            }
            catch (InvalidOperationException e)
            {
                throw new UserErrorException(e.Message);
            }
        }
        var pipeline = PipelineFactory.Create(manifest, secret);
        var options = setup.Options(context, jobs, noWait: false);

        // Sources: what the release read against what is there now (the project's stat cache spares re-hashing).
        var now = setup.Engine.ListOutputs(pipeline, options).Sources.Select(s => (s.SourceId, s.Hash.Hex)).ToHashSet();
        var missingSources = release.Sources.Where(s => !now.Contains((s.Source, s.Sha256))).ToList();
        var references = ReleaseSupport.ReadSourceIndex(setup, tag.Version);
        string Name(ReleaseSource s) => $"{s.Source} {references.GetValueOrDefault(s.Sha256, "(reference unknown)")} sha256 {s.Sha256[..12]}";

        var result = new JsonObject
        {
            ["version"] = tag.Version,
            ["tag"] = tag.Tag,
            ["sources"] = new JsonObject
            {
                ["released"] = release.Sources.Count,
                ["missing"] = new JsonArray(missingSources.Select(s => (JsonNode)new JsonObject
                {
                    ["source"] = s.Source, ["sha256"] = s.Sha256, ["reference"] = references.GetValueOrDefault(s.Sha256),
                }).ToArray()),
            },
        };
        var ok = missingSources.Count == 0;
        if (!json)
        {
            context.Console.Out.WriteLine($"sources: {release.Sources.Count - missingSources.Count} of {release.Sources.Count} as released");
            foreach (var s in missingSources) context.Console.Out.WriteLine($"  missing source: {Name(s)}");
            if (missingSources.Count > 0 && references.Count > 0)
                context.Console.Out.WriteLine($"  (their paths are in {Path.GetRelativePath(setup.Manifest.BaseDirectory, ReleaseSupport.SourceIndexPath(setup, tag.Version))}, private)");
        }

        // The store's own copy of the release: what 'export' reads. A damaged or missing object makes export fail.
        var store = setup.Engine.CheckObjects(release.Files.Select(f => Engine.Hashing.ContentHash.Parse(f.Sha256)).ToList(), options);
        ok &= store.AllIntact;
        result["store"] = new JsonObject
        {
            ["objects"] = store.Checked,
            ["damaged"] = new JsonArray(release.Files.Where(f => store.Damaged.Contains(Engine.Hashing.ContentHash.Parse(f.Sha256))).Select(f => (JsonNode)JsonValue.Create(f.Path)).ToArray()),
            ["missing"] = new JsonArray(release.Files.Where(f => store.Missing.Contains(Engine.Hashing.ContentHash.Parse(f.Sha256))).Select(f => (JsonNode)JsonValue.Create(f.Path)).ToArray()),
        };
        if (!json)
        {
            context.Console.Out.WriteLine($"store: {store.Checked - store.Damaged.Count - store.Missing.Count} of {store.Checked} objects intact, {store.Damaged.Count} damaged, {store.Missing.Count} missing");
            if (!store.AllIntact) context.Console.Out.WriteLine("  'dataforge export' needs them: run 'dataforge fsck' to list them, then 'dataforge build' to make them again");
        }

        if (!sourcesOnly)
        {
            var (matched, differing, missing, extra, failures) = Rebuild(pipeline, options, release);
            ok &= differing.Count == 0 && missing.Count == 0 && extra.Count == 0;
            result["files"] = new JsonObject
            {
                ["released"] = release.Files.Count,
                ["matched"] = matched,
                ["differing"] = new JsonArray(differing.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
                ["missing"] = new JsonArray(missing.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
                ["extra"] = new JsonArray(extra.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
                ["failed_items"] = failures,
            };
            if (!json)
            {
                context.Console.Out.WriteLine($"files: {matched} matched, {differing.Count} differing, {missing.Count} missing, {extra.Count} extra (of {release.Files.Count} released)");
                if (failures > 0) context.Console.Out.WriteLine($"  {failures} item(s) failed in the rebuild");
                foreach (var (label, paths) in new[] { ("differs", differing), ("missing", missing), ("extra", extra) })
                {
                    foreach (var p in paths.Take(ListLimit)) context.Console.Out.WriteLine($"  {label}: {p}");
                    if (paths.Count > ListLimit) context.Console.Out.WriteLine($"  ... and {paths.Count - ListLimit} more {label}");
                }
            }
        }
        result["verified"] = ok;
        if (json) JsonOutput.Write(context.Console, result);
        else context.Console.Out.WriteLine(ok ? $"verified: {tag.Version} {(sourcesOnly ? "sources are as released" : "rebuilds bit for bit")}" : $"NOT verified: {tag.Version} does not rebuild as released");
        return ok ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>Builds the pipeline into a fresh private temporary store and compares the SHA-256 of each output file read back from disk.</summary>
    private static (int Matched, List<string> Differing, List<string> Missing, List<string> Extra, int Failures) Rebuild(
        Pipeline pipeline, BuildOptions options, ReleaseManifest release)
    {
        var temp = Directory.CreateTempSubdirectory("dataforge-verify-");
        try
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var layout = new StoreLayout(temp.FullName, Path.Combine(temp.FullName, "out"));
            var build = new BuildEngine(layout).Build(pipeline, options with { OnProgress = null });
            var rebuilt = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Directory.Exists(layout.OutputRoot))
                foreach (var path in Directory.EnumerateFiles(layout.OutputRoot, "*", SearchOption.AllDirectories))
                {
                    using var stream = File.OpenRead(path);
                    rebuilt[Path.GetRelativePath(layout.OutputRoot, path).Replace('\\', '/')] = Convert.ToHexStringLower(SHA256.HashData(stream));
                }
            var released = release.Files.ToDictionary(f => f.Path, f => f.Sha256, StringComparer.Ordinal);
            var matched = released.Count(p => rebuilt.GetValueOrDefault(p.Key) == p.Value);
            var differing = released.Where(p => rebuilt.TryGetValue(p.Key, out var h) && h != p.Value).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
            var missing = released.Keys.Where(p => !rebuilt.ContainsKey(p)).Order(StringComparer.Ordinal).ToList();
            var extra = rebuilt.Keys.Where(p => !released.ContainsKey(p)).Order(StringComparer.Ordinal).ToList();
            return (matched, differing, missing, extra, build.Failures.Count);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }
}
