using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Engine.Hashing;
using DataForge.Projects;
using DataForge.Release;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge release VERSION</c>: pins the current build in a release manifest, commits it with the manifest and tags it.</summary>
public static class ReleaseCommand
{
    public static Command Create(CliContext context)
    {
        var version = new Argument<string>("VERSION") { Description = "The release's version, e.g. v1.0 (the tag is release.tag_prefix + VERSION)." };
        var message = new Option<string?>("--message", "-m") { Description = "Commit and tag message (default: 'Release VERSION').", HelpName = "MSG" };
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("the release");
        var command = new Command("release", """
            Release the current build: write releases/VERSION/manifest.json (every output file's path,
            size, SHA-256, kind, provenance and reviewer facts; schemas/release-manifest.schema.json) and,
            with release.card (default on), the dataset card releases/VERSION/card.md and card.html (see
            'dataforge report'); commit them with the manifest file (and release.card.text) on the current
            branch and create an annotated tag. The output data is not committed: the store keeps every
            object a release references (gc leaves them), and 'dataforge export' writes them out.
            Refuses (exit 1) when the build is not up to date or had failures; refuses (exit 2) when the tag
            exists, the project folder is not in a Git repository, or Git tracks or has staged any file under
            a source folder or .dataforge/.

            Example:
              dataforge build && dataforge release v1.0 -m "First cohort"
            """);
        command.Arguments.Add(version);
        command.Options.Add(message);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(context, parse.GetValue(version)!, parse.GetValue(message), parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string version, string? message, string file, bool json)
    {
        ReleaseSupport.CheckVersion(version);
        var project = ProjectArguments.Open(context, file);
        var manifest = project.Manifest;
        using var repo = ReleaseSupport.OpenRepository(manifest);
        var tag = ReleaseSupport.TagOf(manifest, version);
        // Raw exports and the store never enter Git: refuse before anything is written (counts and source ids only).
        ReleaseSupport.Guard(() =>
        {
            PrivateFilesGuard.Check(repo, manifest.BaseDirectory, project.Zone.Root, project.Pipeline.Sources, [ReleaseSupport.ManifestFileName(manifest)]);
            return 0;
        });
        if (repo.TagExists(tag)) throw new UserErrorException($"tag '{tag}' exists already; choose another version");
        if (manifest.Document.Has("release.branch") && repo.Branch != manifest.Release.Branch)
            throw new UserErrorException($"release.branch is '{manifest.Release.Branch}' but HEAD is on '{repo.Branch}'; check out '{manifest.Release.Branch}' to release");
        var folder = Path.Combine(manifest.BaseDirectory, "releases", version);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new UserErrorException($"releases/{version}/ exists already (from an unfinished release?); remove it or choose another version");

        // The authors' answers are checked before anything is written: a mistyped question leaves no half release.
        var answers = manifest.Release.Card.Enabled ? ReportCommand.Answers(manifest, path => File.Exists(path) ? File.ReadAllText(path) : null) : null;
        var answersPath = manifest.Release.Card is { Enabled: true, Text: { } answersFile } ? ReportCommand.ProjectPath(manifest, Path.GetFullPath(answersFile, manifest.BaseDirectory)) : null;
        var (release, listing) = project.CurrentRelease(version, ReleaseSupport.ToolVersion, ProjectArguments.Engine(context, 0));

        // The card is made from what the release pins; the authors' answers are committed with it so 'report VERSION' rewrites the same bytes.
        var reader = ReleaseObjects.Reader(project.Zone.Layout.Objects);
        var both = answers is null ? default : ReleaseCard.Both(release, manifest.Description, answers, reader, manifest.Release.Card.Thumbnails);
        (string Name, string Text)[] cards = answers is null ? [] : [(ReleaseCard.MarkdownFile, both.Markdown), (ReleaseCard.HtmlFile, both.Html)];

        Directory.CreateDirectory(folder);
        var paths = new List<string> { ReleaseRepository.ManifestPath(version) };
        File.WriteAllBytes(Path.Combine(manifest.BaseDirectory, paths[0]), ReleaseManifestJson.ToBytes(release));
        foreach (var (name, card) in cards)
        {
            paths.Add($"releases/{version}/{name}");
            File.WriteAllText(Path.Combine(manifest.BaseDirectory, paths[^1]), card, new UTF8Encoding(false));
        }
        if (answersPath is not null) paths.Add(answersPath);
        paths.Add(ReleaseSupport.ManifestFileName(manifest));

        // The store keeps the release's objects (outputs and their metadata) from now on, whatever gc does.
        var root = "release:" + version;
        try
        {
            project.Engine.SetRoot(root, listing.Outputs.SelectMany(o => new[] { o.Object, o.Metadata }));
        }
        catch (InvalidOperationException)
        {
            Directory.Delete(folder, recursive: true);
            throw new UserErrorException("a build holds the store's lock; release when it ends", ExitCodes.Failed);
        }
        string commit;
        try
        {
            var text = string.IsNullOrWhiteSpace(message) ? $"Release {version}" : message.Trim();
            commit = ReleaseSupport.Guard(() => repo.CommitAndTag(paths, text, tag));
        }
        catch (UserErrorException)
        {
            // Nothing was committed: leave no half release behind.
            Directory.Delete(folder, recursive: true);
            project.Engine.RemoveRoot(root);
            throw;
        }
        ReleaseSources.Write(project.Zone, version, listing);
        AuditTrail.Record(project.Zone, "release", new JsonObject
        {
            ["version"] = version, ["tag"] = tag, ["commit"] = commit, ["files"] = release.Counts.Files, ["patients"] = release.Counts.Patients,
            ["secret_fingerprint"] = release.SecretFingerprint,
        });

        var counts = release.Counts;
        if (json)
        {
            JsonOutput.Write(context.Console, new JsonObject
            {
                ["version"] = version,
                ["tag"] = tag,
                ["commit"] = commit,
                ["manifest"] = paths[0],
                ["patients"] = counts.Patients,
                ["studies"] = counts.Studies,
                ["series"] = counts.Series,
                ["files"] = counts.Files,
                ["bytes"] = counts.Bytes,
            });
        }
        else
        {
            context.Console.Out.WriteLine($"released {version}: {counts.Files} files ({ReleaseSupport.Size(counts.Bytes)}), {counts.Patients} patients, {counts.Studies} studies, {counts.Series} series");
            context.Console.Out.WriteLine($"commit {commit[..12]} on {repo.Branch}, tag {tag}; manifest {paths[0]}");
        }
        return ExitCodes.Success;
    }
}
