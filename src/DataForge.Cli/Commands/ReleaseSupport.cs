using System.Text.RegularExpressions;
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

    /// <summary>Bytes as a short human figure.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1048576 => (bytes / 1024.0).ToString("0.0 KB", System.Globalization.CultureInfo.InvariantCulture),
        _ => (bytes / 1048576.0).ToString("0.0 MB", System.Globalization.CultureInfo.InvariantCulture),
    };
}
