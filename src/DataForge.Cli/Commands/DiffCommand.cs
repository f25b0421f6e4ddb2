using System.CommandLine;
using DataForge.Cli.Output;
using DataForge.Projects;
using DataForge.Release;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge diff A B</c>: what changed between two releases (or a release and the current build).</summary>
public static class DiffCommand
{
    public static Command Create(CliContext context)
    {
        var from = new Argument<string>("A") { Description = "A release version or tag, or HEAD for the current build." };
        var to = new Argument<string>("B") { Description = "A release version or tag, or HEAD for the current build." };
        var markdown = new Option<bool>("--markdown") { Description = "Print the diff as Markdown (for a review or a pull request)." };
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
            """);
        command.Arguments.Add(from);
        command.Arguments.Add(to);
        command.Options.Add(markdown);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(context, parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(markdown), parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string from, string to, bool markdown, string file, bool json)
    {
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
        var diff = ReleaseDiff.Compare(from, Resolve(from), to, Resolve(to), ReleaseObjects.Reader(Project.ZoneOf(manifest).Layout.Objects));
        if (json) JsonOutput.Write(context.Console, ReleaseDiffFormat.ToJson(diff));
        else context.Console.Out.Write(ReleaseDiffFormat.ToText(diff, markdown));
        foreach (var warning in diff.Warnings)
            if (json) context.Console.Note("warning: " + warning);
        return ExitCodes.Success;
    }
}
