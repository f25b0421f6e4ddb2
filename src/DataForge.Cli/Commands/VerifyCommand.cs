using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Projects;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge verify [VERSION]</c>: rebuilds a release from the inputs it recorded in a fresh store and compares every byte.</summary>
public static class VerifyCommand
{
    /// <summary>How many paths the text output lists per kind of mismatch (--json lists all).</summary>
    private const int ListLimit = 50;

    public static Command Create(CliContext context)
    {
        var version = new Argument<string?>("VERSION") { Description = "The release to verify (default: the latest).", Arity = ArgumentArity.ZeroOrOne };
        var sourcesOnly = new Option<bool>("--sources-only") { Description = "Only check that the source files the release read are still there, unchanged." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Actions run at once in the rebuild (default: the number of cores)." };
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("the verification");
        var command = new Command("verify", """
            Prove a release rebuilds bit for bit: take its manifest file from the release's tag, build it
            with the project secret into a fresh temporary store from exactly the source files the release
            recorded (files added to the sources since are not read), and compare every output's SHA-256
            with the release manifest. Prints matched, differing, missing and extra files; a source file
            the release read that changed or is gone is named by its item reference. Exit code 0 only when
            every file matches, 1 otherwise, 2 for an unknown version or a secret other than the release's.

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
        var current = ManifestArguments.LoadOrFail(context, file);
        using var repo = ReleaseSupport.OpenRepository(current);
        if (version is null)
        {
            var all = ReleaseSupport.Guard(() => repo.Releases(current.Release.TagPrefix));
            version = all.Count > 0 ? all[^1].Version : throw new UserErrorException("there are no releases yet to verify");
        }
        var (tag, release) = ReleaseSupport.Find(repo, current, version);

        // The manifest exactly as released: the file from the tag, paths resolved in the project folder.
        var manifestName = ReleaseSupport.ManifestFileName(current);
        var text = ReleaseSupport.Guard(() => repo.ReadAt(tag.Tag, manifestName))
            ?? throw new UserErrorException($"release {tag.Version} has no {manifestName} in its commit");
        var loaded = context.Loader.LoadText(text, $"{tag.Tag}:{manifestName}", current.BaseDirectory);
        if (!loaded.Succeeded)
        {
            foreach (var problem in loaded.Problems) context.Console.Problem(problem.ToString());
            throw new ManifestRejectedException(loaded.Problems);
        }
        var options = ProjectArguments.Options(context);
        // The release's secret fingerprint is checked against the secret (Project.AsReleased), not the store's.
        var project = Project.Open(current, options with { RequiresSecret = true, AllowNewSecret = true });
        var result = ReleaseVerification.Run(project, loaded.Manifest!, release, options, ProjectArguments.Engine(context, jobs), sourcesOnly);
        // The card is part of the release: written again from what the release pins, it must be the committed bytes.
        var card = sourcesOnly ? null : CardCheck.Run(context, repo, current, tag, release);
        var verified = result.Verified && card?.Failed != true;
        AuditTrail.Record(project.Zone, "verify", new JsonObject
        {
            ["version"] = tag.Version, ["tag"] = tag.Tag, ["verified"] = verified, ["sources_only"] = sourcesOnly, ["card"] = card?.Outcome,
            ["matched"] = result.Matched, ["differing"] = result.Differing.Count, ["missing"] = result.Missing.Count, ["extra"] = result.Extra.Count,
            ["sources_missing"] = result.MissingSources.Count, ["store_damaged"] = result.StoreDamaged.Count, ["store_missing"] = result.StoreMissing.Count,
            ["store_restored"] = result.StoreRestored,
        });

        if (json)
        {
            var document = new JsonObject
            {
                ["version"] = tag.Version,
                ["tag"] = tag.Tag,
                ["sources"] = new JsonObject
                {
                    ["released"] = result.SourcesReleased,
                    ["missing"] = new JsonArray(result.MissingSources.Select(m => (JsonNode)new JsonObject
                    {
                        ["source"] = m.Source.Source, ["sha256"] = m.Source.Sha256, ["reference"] = m.Reference, ["changed"] = m.Changed,
                    }).ToArray()),
                },
            };
            document["store"] = new JsonObject
            {
                ["objects"] = result.StoreChecked,
                ["damaged"] = Strings(result.StoreDamaged),
                ["missing"] = Strings(result.StoreMissing),
                ["restored"] = result.StoreRestored,
            };
            if (result.Rebuilt)
                document["files"] = new JsonObject
                {
                    ["released"] = result.FilesReleased,
                    ["matched"] = result.Matched,
                    ["differing"] = Strings(result.Differing),
                    ["missing"] = Strings(result.Missing),
                    ["extra"] = Strings(result.Extra),
                    ["failed_items"] = result.FailedItems,
                    ["same_actions"] = result.SameActions,
                };
            if (card is not null) document["card"] = new JsonObject { ["outcome"] = card.Outcome, ["differing"] = Strings(card.Differing) };
            document["verified"] = verified;
            JsonOutput.Write(context.Console, document);
            return verified ? ExitCodes.Success : ExitCodes.Failed;
        }

        var output = context.Console.Out;
        output.WriteLine($"sources: {result.SourcesReleased - result.MissingSources.Count} of {result.SourcesReleased} as released (files added since are not read)");
        foreach (var m in result.MissingSources)
            output.WriteLine($"  {(m.Changed ? "changed" : "missing")} source: {m.Source.Source} {m.Reference ?? "(reference unknown)"} sha256 {m.Source.Sha256[..12]}");
        if (result.MissingSources.Any(m => m.Reference is not null))
            output.WriteLine($"  (their paths are in {project.Zone.Show(project.Zone.ReleaseSources(tag.Version))}, private)");
        if (result.Rebuilt)
        {
            output.WriteLine($"files: {result.Matched} matched, {result.Differing.Count} differing, {result.Missing.Count} missing, {result.Extra.Count} extra (of {result.FilesReleased} released)");
            if (result.FailedItems > 0) output.WriteLine($"  {result.FailedItems} item(s) failed in the rebuild");
            foreach (var (label, paths) in new[] { ("differs", result.Differing), ("missing", result.Missing), ("extra", result.Extra) })
            {
                foreach (var p in paths.Take(ListLimit)) output.WriteLine($"  {label}: {p}");
                if (paths.Count > ListLimit) output.WriteLine($"  ... and {paths.Count - ListLimit} more {label}");
            }
        }
        var intact = result.StoreChecked - result.StoreDamaged.Count - result.StoreMissing.Count;
        output.WriteLine($"store: {intact} of {result.StoreChecked} objects intact, {result.StoreDamaged.Count} damaged, {result.StoreMissing.Count} missing" +
                         (result.StoreRestored > 0 ? $" ({result.StoreRestored} put back from the bit-identical rebuild)" : ""));
        foreach (var (label, paths) in new[] { ("damaged in the store", result.StoreDamaged), ("missing from the store", result.StoreMissing) })
        {
            foreach (var p in paths.Take(ListLimit)) output.WriteLine($"  {label}: {p}");
            if (paths.Count > ListLimit) output.WriteLine($"  ... and {paths.Count - ListLimit} more {label}");
        }
        if (result.StoreDamaged.Count + result.StoreMissing.Count > 0)
            output.WriteLine("  'dataforge export' needs them: run 'dataforge verify' without --sources-only to rebuild and put them back, or 'dataforge fsck' and 'dataforge build'");
        if (card is not null) output.WriteLine(card.Describe(release));
        output.WriteLine(verified
            ? $"verified: {tag.Version} {(sourcesOnly ? "sources are as released" : "rebuilds bit for bit")}"
            : result.Verified ? $"NOT verified: {tag.Version} rebuilds bit for bit, but its card is not the one the release gives"
            : $"NOT verified: {tag.Version} does not rebuild as released");
        return verified ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
