using System.CommandLine;
using System.Text;
using DataForge.Manifest.Model;
using DataForge.Projects;
using DataForge.Release;
using DataForge.Release.Card;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge report [VERSION | HEAD] [-o FILE]</c>: writes the dataset card of a release or of the current build.</summary>
public static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var version = new Argument<string?>("VERSION") { Description = "A release version or tag, or HEAD for the current build (default: the latest release).", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to write the card: FILE.html (or any other name) for HTML, FILE.md for Markdown, - for HTML on stdout (default: card-VERSION.html in the current folder).",
            HelpName = "FILE",
        };
        var file = ManifestArguments.FileOption();
        var command = new Command("report", """
            Write the dataset card: one self-contained HTML file (inline CSS and SVG plots, no script,
            nothing fetched; it opens offline and prints) or Markdown, made from the release manifest:
            patients, studies, series and volumes per split, modality and manufacturer, split balance
            against the ratios asked, labels per split, histograms of voxel spacing, slice thickness, matrix
            size and series length per modality, what curation left out, the de-identification policy in
            words, and Datasheet/Healthsheet questions (computed answers filled in, the others answered
            from release.card.text or marked for the authors). A release's card is made from the manifest
            file and answers committed with it, so it matches releases/VERSION/card.html byte for byte.
            HEAD is the current build, which must be up to date.

            Example:
              dataforge report v1.0 -o card.html
            """);
        command.Arguments.Add(version);
        command.Options.Add(output);
        command.Options.Add(file);
        command.SetAction(parse => Run(context, parse.GetValue(version), parse.GetValue(output), parse.GetValue(file)!));
        return command;
    }

    private static int Run(CliContext context, string? version, string? output, string file)
    {
        var manifest = ManifestArguments.LoadOrFail(context, file);
        ReleaseManifest release;
        string? description;
        IReadOnlyDictionary<string, string> answers;
        int thumbnails;
        if (version == "HEAD")
        {
            var project = ProjectArguments.Open(context, file);
            release = project.CurrentRelease("HEAD", ReleaseSupport.ToolVersion, ProjectArguments.Engine(context, 0)).Manifest;
            description = manifest.Description;
            thumbnails = manifest.Release.Card.Thumbnails;
            answers = Answers(manifest, path => File.Exists(path) ? File.ReadAllText(path) : null);
        }
        else
        {
            using var repo = ReleaseSupport.OpenRepository(manifest);
            if (version is null)
            {
                var all = ReleaseSupport.Guard(() => repo.Releases(manifest.Release.TagPrefix));
                version = all.Count > 0 ? all[^1].Version : throw new UserErrorException("there are no releases yet; release one, or write the current build's card with 'dataforge report HEAD'");
            }
            var (tag, found) = ReleaseSupport.Find(repo, manifest, version);
            release = found;
            (description, answers, thumbnails) = Released(context, repo, manifest, tag);
        }

        var reader = ReleaseObjects.Reader(Project.ZoneOf(manifest).Layout.Objects);
        var markdown = output is not null && output.EndsWith(".md", StringComparison.OrdinalIgnoreCase);
        var card = markdown ? ReleaseCard.Markdown(release, description, answers, reader, thumbnails) : ReleaseCard.Html(release, description, answers, reader, thumbnails);
        if (output == "-")
        {
            context.Console.Out.Write(card);
            return ExitCodes.Success;
        }
        var target = context.Resolve(output ?? $"card-{release.Version}.html");
        File.WriteAllText(target, card, new UTF8Encoding(false));
        context.Console.Out.WriteLine($"wrote the dataset card of {release.Version} ({release.Counts.Patients} patients, {release.Counts.Series} series) to {Path.GetRelativePath(context.WorkingDirectory, target)}");
        return ExitCodes.Success;
    }

    /// <summary>
    /// What a release's card is made of besides its manifest: the description, the authors' answers and the thumbnail
    /// count, from the dataforge.yaml and answers file committed with the release (so the card is the one it wrote).
    /// </summary>
    internal static (string? Description, IReadOnlyDictionary<string, string> Answers, int Thumbnails) Released(CliContext context, ReleaseRepository repo, DataForgeManifest manifest, ReleaseTag tag)
    {
        var manifestName = ReleaseSupport.ManifestFileName(manifest);
        var text = ReleaseSupport.Guard(() => repo.ReadAt(tag.Tag, manifestName))
            ?? throw new UserErrorException($"release {tag.Version} has no {manifestName} in its commit");
        var loaded = context.Loader.LoadText(text, $"{tag.Tag}:{manifestName}", manifest.BaseDirectory);
        if (!loaded.Succeeded)
        {
            foreach (var problem in loaded.Problems) context.Console.Problem(problem.ToString());
            throw new ManifestRejectedException(loaded.Problems);
        }
        var answers = Answers(loaded.Manifest!, path => ReleaseSupport.Guard(() => repo.ReadAt(tag.Tag, ProjectPath(manifest, path))));
        return (loaded.Manifest!.Description, answers, loaded.Manifest.Release.Card.Thumbnails);
    }

    /// <summary>
    /// The authors' answers that <c>release.card.text</c> names (none without it), read with <paramref name="read"/> (a
    /// full path to its text, or null when absent); a missing or malformed file is a usage error.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Answers(DataForgeManifest manifest, Func<string, string?> read)
    {
        if (manifest.Release.Card.Text is not { } name) return new Dictionary<string, string>();
        var path = Path.GetFullPath(name, manifest.BaseDirectory);
        var text = read(path) ?? throw new UserErrorException($"release.card.text: {name} does not exist (or is not committed with the release); write the authors' answers there (YAML: question id: answer) or remove the setting");
        return ReleaseSupport.Guard(() => CardText.Parse(text, name));
    }

    /// <summary>The project-relative path of the answers file; it must be inside the project folder, where a release commits it.</summary>
    public static string ProjectPath(DataForgeManifest manifest, string fullPath)
    {
        var relative = Path.GetRelativePath(manifest.BaseDirectory, fullPath).Replace('\\', '/');
        if (relative.StartsWith("../", StringComparison.Ordinal) || relative == ".." || Path.IsPathRooted(relative))
            throw new UserErrorException($"release.card.text must name a file inside the project folder (the release commits it); it names one outside");
        return relative;
    }
}
