using LibGit2Sharp;

namespace DataForge.Release;

/// <summary>A release recorded in Git: its annotated tag, version, date, message, commit and manifest text.</summary>
public sealed record ReleaseTag(string Tag, string Version, DateTimeOffset Date, string Message, string Commit, string ManifestJson);

/// <summary>
/// The Git repository that holds a project's releases (LibGit2Sharp). The project folder may be the
/// repository's top folder or a folder inside it; paths given here are project-relative and '/'
/// separated. A release is one commit of <c>releases/VERSION/</c> plus the manifest file, on the
/// current branch, and an annotated tag on it.
/// </summary>
public sealed class ReleaseRepository : IDisposable
{
    private readonly Repository _repo;
    private readonly string _prefix;

    private ReleaseRepository(Repository repo, string prefix)
    {
        _repo = repo;
        _prefix = prefix;
    }

    /// <summary>True when the project folder is inside a Git repository (where its releases would be).</summary>
    public static bool Exists(string projectFolder) => Repository.Discover(projectFolder) is not null;

    /// <summary>Opens the repository containing the project folder; none is a <see cref="ReleaseException"/> (usage).</summary>
    public static ReleaseRepository Open(string projectFolder)
    {
        var found = Repository.Discover(projectFolder);
        if (found is null)
            throw new ReleaseException("the project folder is not in a Git repository; run 'git init' there (releases are Git commits and tags)");
        var repo = new Repository(found);
        if (repo.Info.IsBare || repo.Info.WorkingDirectory is null)
        {
            repo.Dispose();
            throw new ReleaseException("the project's Git repository is bare; releases need a working tree");
        }
        var top = Path.GetFullPath(repo.Info.WorkingDirectory);
        var relative = Path.GetRelativePath(top, Path.GetFullPath(projectFolder)).Replace('\\', '/');
        return new ReleaseRepository(repo, relative == "." ? "" : relative + "/");
    }

    /// <summary>The branch HEAD is on (also when it has no commit yet).</summary>
    public string Branch => _repo.Head.FriendlyName;

    /// <summary>True when HEAD is detached (no branch to commit on).</summary>
    public bool Detached => _repo.Info.IsHeadDetached;

    public bool TagExists(string tag) => _repo.Tags[tag] is not null;

    /// <summary>The project-relative file's text in the commit a tag (or "HEAD") points at, or null when absent.</summary>
    public string? ReadAt(string tagOrHead, string projectRelativePath)
    {
        var commit = CommitOf(tagOrHead);
        return commit?[_prefix + projectRelativePath]?.Target is Blob blob ? blob.GetContentText() : null;
    }

    /// <summary>True when the file's bytes differ from the last commit (or it is not committed).</summary>
    public bool DiffersFromHead(string projectRelativePath)
    {
        var state = _repo.RetrieveStatus(_prefix + projectRelativePath);
        return state is not (FileStatus.Unaltered or FileStatus.Ignored);
    }

    /// <summary>
    /// Commits the given project-relative files (already written) on the current branch and tags the
    /// commit with an annotated tag. Refuses when other changes are staged (they would enter the
    /// release commit) or when Git has no user identity.
    /// </summary>
    public string CommitAndTag(IReadOnlyList<string> projectRelativePaths, string message, string tag)
    {
        if (Detached) throw new ReleaseException("HEAD is detached; check out a branch to release on");
        var signature = _repo.Config.BuildSignature(DateTimeOffset.Now)
            ?? throw new ReleaseException("Git has no user identity; set it with git config user.name and user.email");
        var ours = projectRelativePaths.Select(p => _prefix + p).ToHashSet(StringComparer.Ordinal);
        var staged = _repo.RetrieveStatus(new StatusOptions { Show = StatusShowOption.IndexOnly, IncludeUntracked = false })
            .Where(e => !ours.Contains(e.FilePath) && e.State != FileStatus.Unaltered && e.State != FileStatus.Ignored)
            .Select(e => e.FilePath).ToList();
        if (staged.Count > 0)
            throw new ReleaseException($"{staged.Count} other change(s) are staged in Git; commit or unstage them first so the release commit holds only the release");
        Commands.Stage(_repo, ours);
        var commit = _repo.Commit(message, signature, signature, new CommitOptions { AllowEmptyCommit = true });
        _repo.ApplyTag(tag, commit.Sha, signature, message.EndsWith('\n') ? message : message + "\n");
        return commit.Sha;
    }

    /// <summary>
    /// The files under a folder (absolute; it may also hold the whole working tree) that Git tracks in HEAD or has
    /// in its index (staged), as paths relative to that folder, '/' separated, ordinal order. A folder outside the
    /// working tree holds none.
    /// </summary>
    public IReadOnlyList<string> TrackedUnder(string absoluteFolder)
    {
        var top = Path.TrimEndingDirectorySeparator(Path.GetFullPath(_repo.Info.WorkingDirectory));
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(absoluteFolder));
        var inside = Path.GetRelativePath(top, folder).Replace('\\', '/');
        string prefix, above;
        if (inside == ".") (prefix, above) = ("", "");
        else if (!IsOutside(inside)) (prefix, above) = (inside + "/", "");
        else
        {
            // The folder holds the working tree (a source above the repository): every file of it, seen from the folder.
            var down = Path.GetRelativePath(folder, top).Replace('\\', '/');
            if (IsOutside(down)) return [];
            (prefix, above) = ("", down + "/");
        }
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in _repo.Index)
            if (entry.Path.StartsWith(prefix, StringComparison.Ordinal)) paths.Add(above + entry.Path[prefix.Length..]);
        var tree = _repo.Head.Tip?.Tree;
        var start = prefix.Length == 0 ? tree : tree?[prefix.TrimEnd('/')]?.Target as Tree;
        if (start is not null) AddFiles(start, "", paths, above);
        return paths.ToList();
    }

    private static bool IsOutside(string relative) => relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative);

    private static void AddFiles(Tree tree, string path, SortedSet<string> into, string above)
    {
        foreach (var entry in tree)
        {
            if (entry.Target is Tree sub) AddFiles(sub, path + entry.Name + "/", into, above);
            else into.Add(above + path + entry.Name);
        }
    }

    /// <summary>Every annotated tag with the prefix whose commit holds <c>releases/VERSION/manifest.json</c>, oldest first.</summary>
    public IReadOnlyList<ReleaseTag> Releases(string tagPrefix)
    {
        var list = new List<ReleaseTag>();
        foreach (var tag in _repo.Tags)
        {
            if (!tag.IsAnnotated || !tag.FriendlyName.StartsWith(tagPrefix, StringComparison.Ordinal)) continue;
            var version = tag.FriendlyName[tagPrefix.Length..];
            if (version.Length == 0 || tag.PeeledTarget is not Commit commit) continue;
            if (commit[$"{_prefix}{ManifestPath(version)}"]?.Target is not Blob blob) continue;
            list.Add(new ReleaseTag(tag.FriendlyName, version, tag.Annotation.Tagger.When, tag.Annotation.Message.TrimEnd(), commit.Sha, blob.GetContentText()));
        }
        return list.OrderBy(r => r.Date).ThenBy(r => r.Tag, StringComparer.Ordinal).ToList();
    }

    /// <summary>The project-relative path of a release's manifest.</summary>
    public static string ManifestPath(string version) => $"releases/{version}/manifest.json";

    private Commit? CommitOf(string tagOrHead)
    {
        if (tagOrHead == "HEAD") return _repo.Head.Tip;
        return _repo.Tags[tagOrHead]?.PeeledTarget as Commit;
    }

    public void Dispose() => _repo.Dispose();
}
