using System.CommandLine;
using DataForge.Cli.Output;
using DataForge.Projects;
using DataForge.Release;
using DataForge.Release.Card;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge diff A B</c>: what changed between two releases (or a release and the current build).</summary>
public static class DiffCommand
{
    public static Command Create(CliContext context)
    {
        var from = new Argument<string>("A") { Description = "A release version or tag, or HEAD for the current build." };
        var to = new Argument<string>("B") { Description = "A release version or tag, or HEAD for the current build." };
        var markdown = new Option<bool>("--markdown") { Description = "Print the diff as Markdown (for a review or a pull request)." };
        var html = new Option<bool>("--html") { Description = "Write the diff and both dataset cards' tables and plots side by side as one self-contained HTML file." };
        var output = new Option<string?>("--output", "-o") { Description = "With --html: the file to write (default diff-A-B.html; - for stdout)." };
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("the diff");
        var command = new Command("diff", """
            Compare two releases: files added, removed and changed (a file made from the same inputs under
            a new path counts as changed), why each changed file changed, read from the files in the
            project's store (DICOM attributes by keyword, e.g. PatientSex: absent -> present, NIfTI header
            fields and voxel data, PNG pixels, JSON members; names and file counts, never values), then
            patients and series added or removed, which item attributes
            changed in how many files, geometry changes per series, label counts, split moves (with a
            warning when a patient moves between train and test), and policy or tool changes. HEAD is the
            current build, which must be up to date and made from the dataforge.yaml committed in Git. Exit code 0 whether or not anything differs.

            Example:
              dataforge diff v1.0 HEAD --markdown
              dataforge diff v1.0 v2.0 --html -o review.html
            """);
        command.Arguments.Add(from);
        command.Arguments.Add(to);
        command.Options.Add(markdown);
        command.Options.Add(html);
        command.Options.Add(output);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(context, parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(markdown), parse.GetValue(html), parse.GetValue(output), parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string from, string to, bool markdown, bool html, string? output, string file, bool json)
    {
        if (html && (markdown || json)) throw new UserErrorException("--html writes a file of its own; use it without --markdown and --json");
        if (output is not null && !html) throw new UserErrorException("--output names the file of --html; add --html");
        var manifest = ManifestArguments.LoadOrFail(context, file);
        using var repo = ReleaseSupport.OpenRepository(manifest);
        ReleaseManifest? current = null;
        // HEAD names the current build; it must have been made from the manifest committed at Git's HEAD,
        // or the comparison would describe a dataset no commit can reproduce.
        var manifestName = ReleaseSupport.ManifestFileName(manifest);
        if ((from == "HEAD" || to == "HEAD") && ReleaseSupport.Guard(() => repo.DiffersFromHead(manifestName)))
            throw new UserErrorException($"{manifestName} has changes not committed to Git, so HEAD would name a build no commit describes; commit it (git commit {manifestName}) or compare two releases");
        ReleaseManifest Resolve(string name)
        {
            if (name != "HEAD") return ReleaseSupport.Find(repo, manifest, name).Manifest;
            return current ??= Project.Open(manifest, ProjectArguments.Options(context)).CurrentRelease("HEAD", ReleaseSupport.ToolVersion, ProjectArguments.Engine(context, 0)).Manifest;
        }
        // The files' bytes from the project's store explain each change (attributes, header fields, voxels), by name only.
        var reader = ReleaseObjects.Reader(Project.ZoneOf(manifest).Layout.Objects);
        var (a, b) = (Resolve(from), Resolve(to));
        var diff = ReleaseDiff.Compare(from, a, to, b, reader);
        if (html)
        {
            var page = CardComparison.Html(diff, a, b, reader);
            if (output == "-") context.Console.Out.Write(page);
            else
            {
                var target = context.Resolve(output ?? $"diff-{Safe(from)}-{Safe(to)}.html");
                File.WriteAllText(target, page, new System.Text.UTF8Encoding(false));
                context.Console.Out.WriteLine($"wrote the diff of {from} and {to} with both cards' tables and plots side by side to {Path.GetRelativePath(context.WorkingDirectory, target)}");
            }
            foreach (var warning in diff.Warnings) context.Console.Note("warning: " + warning);
            return ExitCodes.Success;
        }
        if (json) JsonOutput.Write(context.Console, ReleaseDiffFormat.ToJson(diff));
        else context.Console.Out.Write(ReleaseDiffFormat.ToText(diff, markdown));
        foreach (var warning in diff.Warnings)
            if (json) context.Console.Note("warning: " + warning);
        return ExitCodes.Success;
    }

    // A version or tag as part of a file name.
    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
}
