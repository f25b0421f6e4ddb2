using DataForge.Engine.Sources;

namespace DataForge.Release;

/// <summary>
/// Refuses a release while Git tracks or has staged any file of the private zone: a source folder (raw exports,
/// named after patients and holding their identifiers) or the store (<c>.dataforge/</c>: the secret, the vault,
/// objects before de-identification). A release commit would carry a staged file into history, and a tracked one
/// already is there. The refusal counts files per source id and never names a path.
/// </summary>
/// <remarks>
/// A source folder is checked whole. A source whose folder is the project folder or holds it (<c>path: .</c>) would
/// then always refuse, since the manifest and the release manifests are under it: for such a source only the files
/// it reads (its globs) count, and the project's own files (<c>releases/</c>, the manifest file, <c>.gitignore</c>,
/// <c>.gitattributes</c>) never do.
/// </remarks>
public static class PrivateFilesGuard
{
    /// <summary>Throws a <see cref="ReleaseException"/> (usage, exit 2) when Git tracks or has staged a private file.</summary>
    /// <param name="repo">The project's repository.</param>
    /// <param name="projectFolder">The project folder (absolute).</param>
    /// <param name="stateRoot">The store folder, <c>.dataforge/</c> (absolute).</param>
    /// <param name="sources">The manifest's file sources.</param>
    /// <param name="projectFiles">Project-relative paths of files the release commits (the manifest file).</param>
    public static void Check(ReleaseRepository repo, string projectFolder, string stateRoot, IEnumerable<SourceSpec> sources,
        IReadOnlyCollection<string> projectFiles)
    {
        var project = Path.TrimEndingDirectorySeparator(Path.GetFullPath(projectFolder));
        var counts = new List<string>();
        foreach (var source in sources)
        {
            var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(source.Root));
            var tracked = repo.TrackedUnder(root);
            if (Holds(root, project))
            {
                // Seen from the source's root, the project's own files sit under the project's relative folder.
                var here = Path.GetRelativePath(root, project).Replace('\\', '/');
                var inProject = here == "." ? "" : here + "/";
                tracked = tracked.Where(p => source.Contains(p) && !IsProjectFile(p, inProject, projectFiles)).ToList();
            }
            if (tracked.Count > 0) counts.Add($"{tracked.Count} of source '{source.Id}'");
        }
        var store = repo.TrackedUnder(stateRoot).Count;
        if (store > 0) counts.Add($"{store} of the private store (.dataforge/)");
        if (counts.Count == 0) return;
        throw new ReleaseException(
            $"Git tracks or has staged files that must never enter it: {string.Join(", ", counts)}. Raw exports and the store " +
            "hold patient data; unstage them with 'git rm -r --cached' on their folders (and remove them from history if they " +
            "were committed), keep those folders in .gitignore, then release.");
    }

    private static bool Holds(string folder, string path)
    {
        var relative = Path.GetRelativePath(folder, path).Replace('\\', '/');
        return relative == "." || !(relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative));
    }

    private static bool IsProjectFile(string path, string inProject, IReadOnlyCollection<string> projectFiles)
    {
        if (!path.StartsWith(inProject, StringComparison.Ordinal)) return false;
        var relative = path[inProject.Length..];
        return relative.StartsWith("releases/", StringComparison.Ordinal) || relative is ".gitignore" or ".gitattributes"
            || projectFiles.Contains(relative);
    }
}
