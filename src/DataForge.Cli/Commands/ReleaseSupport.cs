using DataForge.Engine.FileSystem;
using DataForge.Engine.Store;
using System.Text.RegularExpressions;
using DataForge.Cli.Output;
using DataForge.Engine.Building;
using DataForge.Manifest.Model;
using DataForge.Release;

namespace DataForge.Cli.Commands;

/// <summary>What release, log, diff, verify and export share: versions, the repository, finding releases, the current build's manifest.</summary>
public static partial class ReleaseSupport
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex VersionPattern();

    /// <summary>The version recorded in release manifests: the CLI assembly's major.minor.patch.</summary>
    public static string ToolVersion => typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>A version usable as a folder name and a Git tag, or a usage error.</summary>
    public static string CheckVersion(string version)
    {
        if (!VersionPattern().IsMatch(version) || version.Contains("..", StringComparison.Ordinal) || version.EndsWith(".lock", StringComparison.Ordinal))
            throw new UserErrorException($"version '{version}': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. v1.0)");
        return version;
    }

    public static string TagOf(DataForgeManifest manifest, string version) => manifest.Release.TagPrefix + version;

    /// <summary>The repository holding the project; none is a usage error (exit 2).</summary>
    public static ReleaseRepository OpenRepository(DataForgeManifest manifest) => Guard(() => ReleaseRepository.Open(manifest.BaseDirectory));

    /// <summary>Runs a release operation, turning its refusal into a user error with the right exit code.</summary>
    public static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ReleaseException e)
        {
            throw new UserErrorException(e.Message, e.IsUsage ? ExitCodes.Usage : ExitCodes.Failed);
        }
        catch (LibGit2Sharp.LibGit2SharpException e)
        {
            throw new UserErrorException($"Git: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>The project-relative path of the manifest file (committed with each release).</summary>
    public static string ManifestFileName(DataForgeManifest manifest) =>
        Path.GetRelativePath(manifest.BaseDirectory, Path.GetFullPath(manifest.FilePath, manifest.BaseDirectory)).Replace('\\', '/');

    /// <summary>A release by version (with the manifest's tag prefix) or by tag name; unknown is a usage error listing the known ones.</summary>
    public static (ReleaseTag Tag, ReleaseManifest Manifest) Find(ReleaseRepository repo, DataForgeManifest manifest, string versionOrTag)
    {
        var releases = Guard(() => repo.Releases(manifest.Release.TagPrefix));
        var found = releases.FirstOrDefault(r => r.Version == versionOrTag) ?? releases.FirstOrDefault(r => r.Tag == versionOrTag);
        if (found is null)
        {
            var known = releases.Count == 0 ? "there are no releases yet" : "known: " + string.Join(", ", releases.Select(r => r.Version));
            throw new UserErrorException($"no release '{versionOrTag}' ({known})");
        }
        return (found, Guard(() => ReleaseManifestJson.Parse(found.ManifestJson, $"{found.Tag}:{ReleaseRepository.ManifestPath(found.Version)}")));
    }

    /// <summary>
    /// The release manifest of the current build, or a failure (exit 1) saying why there is none:
    /// work pending (status), items that failed, or outputs out of place.
    /// </summary>
    public static (ReleaseManifest Manifest, OutputListing Listing) Current(CliContext context, EngineSetup setup, string version, int jobs)
    {
        var options = setup.Options(context, jobs, noWait: false);
        var status = setup.Engine.Status(setup.Pipeline, options);
        var listing = setup.Engine.ListOutputs(setup.Pipeline, options);
        if (!status.UpToDate || !listing.Complete || !listing.LastBuildSucceeded)
        {
            foreach (var problem in listing.Problems) context.Console.Note("  " + problem);
            var why = !listing.LastBuildSucceeded && status.UpToDate ? "the last build had failures" : "the build is not up to date or has failed items";
            throw new UserErrorException($"{why}; run 'dataforge build' until it succeeds (see 'dataforge status')", ExitCodes.Failed);
        }
        var bytes = File.ReadAllBytes(Path.GetFullPath(setup.Manifest.FilePath, setup.Manifest.BaseDirectory));
        var objects = new ObjectStore(new PhysicalFileSystem(), setup.Engine.Layout.Objects);
        return (ReleaseManifestBuilder.Build(version, ToolVersion, setup.Manifest, bytes, setup.Pipeline, listing, objects.TryRead), listing);
    }

    /// <summary>Private map from source content to its path, kept in .dataforge/releases/ so verify can name a missing source.</summary>
    public static string SourceIndexPath(EngineSetup setup, string version) =>
        Path.Combine(setup.Engine.Layout.StateRoot, "releases", version + ".sources.tsv");

    public static void WriteSourceIndex(EngineSetup setup, string version, OutputListing listing)
    {
        var path = SourceIndexPath(setup, version);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var lines = new List<string> { "sha256\tsource\treference\tpath" };
        lines.AddRange(listing.Sources.Select(s => $"{s.Hash.Hex}\t{s.SourceId}\t{ItemReference.Of($"{s.SourceId}:{s.RelativePath}")}\t{s.RelativePath.Replace('\t', ' ')}"));
        File.WriteAllLines(path, lines);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>sha256 -> item reference of the source file the release read (empty when the private index is gone).</summary>
    public static Dictionary<string, string> ReadSourceIndex(EngineSetup setup, string version)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = SourceIndexPath(setup, version);
        if (!File.Exists(path)) return map;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var parts = line.Split('\t');
            if (parts.Length >= 3) map.TryAdd(parts[0], parts[2]);
        }
        return map;
    }

    /// <summary>Bytes as a short human figure.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1048576 => (bytes / 1024.0).ToString("0.0 KB", System.Globalization.CultureInfo.InvariantCulture),
        _ => (bytes / 1048576.0).ToString("0.0 MB", System.Globalization.CultureInfo.InvariantCulture),
    };
}
