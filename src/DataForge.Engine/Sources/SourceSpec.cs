namespace DataForge.Engine.Sources;

/// <summary>
/// Where raw files come from: a root folder and globs over paths relative to it. A file belongs to
/// the source when it matches at least one include pattern (every file when there is none) and no
/// exclude pattern. Files under <c>.dataforge/</c> and <c>.git/</c> are never part of a source.
/// </summary>
public sealed class SourceSpec
{
    private readonly Glob[] _include;
    private readonly Glob[] _exclude;

    public SourceSpec(string id, string root, IEnumerable<string>? include = null, IEnumerable<string>? exclude = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!Path.IsPathRooted(root)) throw new ArgumentException("a source root must be an absolute path", nameof(root));
        Id = id;
        Root = Path.TrimEndingDirectorySeparator(root);
        _include = (include ?? []).Select(p => new Glob(p)).ToArray();
        _exclude = (exclude ?? []).Select(p => new Glob(p)).ToArray();
    }

    /// <summary>Name that stages use to read this source's items.</summary>
    public string Id { get; }

    /// <summary>Absolute root folder.</summary>
    public string Root { get; }

    /// <summary>
    /// When set, only files it admits (source-relative path, content hash) belong to the source: a
    /// release's rebuild reads exactly the inputs the release recorded, whatever was added or changed since.
    /// </summary>
    public Func<string, Hashing.ContentHash, bool>? Pin { get; init; }

    /// <summary>Include patterns as written.</summary>
    public IReadOnlyList<string> Include => _include.Select(g => g.Pattern).ToArray();

    /// <summary>Exclude patterns as written.</summary>
    public IReadOnlyList<string> Exclude => _exclude.Select(g => g.Pattern).ToArray();

    /// <summary>True when a path relative to <see cref="Root"/> belongs to the source.</summary>
    public bool Contains(string relativePath)
    {
        if (relativePath.StartsWith(".dataforge/", StringComparison.Ordinal) || relativePath.StartsWith(".git/", StringComparison.Ordinal))
            return false;
        // Loops, not Any(lambda): called once per file of a walk, a closure each time adds up.
        if (_include.Length > 0 && !MatchesAny(_include, relativePath)) return false;
        return !MatchesAny(_exclude, relativePath);
    }

    private static bool MatchesAny(Glob[] globs, string relativePath)
    {
        foreach (var glob in globs)
            if (glob.IsMatch(relativePath)) return true;
        return false;
    }
}
