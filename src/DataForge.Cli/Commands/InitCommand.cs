using System.CommandLine;
using System.Text.RegularExpressions;
using DataForge.Manifest;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge init [DIR]</c>: a commented starter manifest, a .gitignore and a raw/ folder.</summary>
public static partial class InitCommand
{
    /// <summary>
    /// Lines the project's .gitignore must hold: the private store, the raw exports (named after patients, holding
    /// their identifiers) and built outputs never enter Git. <c>release</c> refuses while any of the first two is tracked.
    /// </summary>
    public static IReadOnlyList<string> IgnoredPaths { get; } = [".dataforge/", RawFolder + "/", "out/"];

    /// <summary>The source folder init scaffolds (the starter manifest's source <c>raw</c>).</summary>
    public const string RawFolder = "raw";

    public static Command Create(CliContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "Folder of the new project (created if needed).", DefaultValueFactory = _ => "." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing dataforge.yaml." };
        var command = new Command("init", """
            Scaffold a project: dataforge.yaml (commented starter manifest), .gitignore (keeps the private
            store .dataforge/, the raw exports raw/ and outputs out of Git) and raw/ for the exports. Refuses to overwrite an
            existing manifest unless --force.

            Example:
              dataforge init chest-ct && cp -r /exports/chest/* chest-ct/raw/
            """);
        command.Arguments.Add(dir);
        command.Options.Add(force);
        command.SetAction(parse => Run(context, parse.GetValue(dir)!, parse.GetValue(force)));
        return command;
    }

    private static int Run(CliContext context, string dir, bool force)
    {
        var root = context.Resolve(dir);
        if (File.Exists(root)) throw new UserErrorException($"{dir} is a file; init needs a folder");
        var manifest = Path.Combine(root, ManifestLoader.DefaultFileName);
        if (File.Exists(manifest) && !force)
            throw new UserErrorException($"{(dir == "." ? "" : dir.TrimEnd('/') + "/")}{ManifestLoader.DefaultFileName} already exists; use --force to overwrite it");

        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(root, RawFolder));
        File.WriteAllText(manifest, Starter().Replace("{{NAME}}", DatasetName(root), StringComparison.Ordinal));
        UpdateGitignore(Path.Combine(root, ".gitignore"));

        var shown = dir == "." ? "" : dir.TrimEnd('/') + "/";
        context.Console.Out.WriteLine($"created {shown}{ManifestLoader.DefaultFileName}, {shown}.gitignore and {shown}raw/");
        context.Console.Out.WriteLine("next: put DICOM exports under raw/, then run 'dataforge validate' and 'dataforge build'");
        return ExitCodes.Success;
    }

    private static string Starter()
    {
        using var stream = typeof(InitCommand).Assembly.GetManifestResourceStream("starter.yaml")
            ?? throw new InvalidOperationException("the starter manifest is not embedded in this build");
        return new StreamReader(stream).ReadToEnd();
    }

    private static void UpdateGitignore(string path)
    {
        var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : [];
        var missing = IgnoredPaths.Where(p => !lines.Contains(p)).ToList();
        if (missing.Count == 0) return;
        if (lines.Count > 0 && lines[^1].Length != 0) lines.Add("");
        lines.Add("# DataForge: the private store and the raw exports (both hold PHI), and built outputs");
        lines.AddRange(missing);
        File.WriteAllLines(path, lines);
    }

    /// <summary>A valid dataset name from the folder's name.</summary>
    internal static string DatasetName(string root)
    {
        var name = NotAllowed().Replace(Path.GetFileName(Path.TrimEndingDirectorySeparator(root)).ToLowerInvariant(), "-").Trim('-', '.', '_');
        if (name.Length == 0) name = "dataset";
        return name.Length > 64 ? name[..64] : name;
    }

    [GeneratedRegex("[^a-z0-9._-]+")]
    private static partial Regex NotAllowed();
}
