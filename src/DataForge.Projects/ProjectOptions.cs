namespace DataForge.Projects;

/// <summary>How a command opens a project.</summary>
public sealed record ProjectOptions
{
    /// <summary>Reads an environment variable (secrets may come from one).</summary>
    public required Func<string, string?> Environment { get; init; }

    /// <summary>
    /// True for a command that writes the project's state (build, gc): it may create the secret and
    /// record vault numbers. False (status, release, diff, verify) never writes.
    /// </summary>
    public bool Writes { get; init; }

    /// <summary>The command cannot work without the real secret (verify, pseudonyms): a missing one is an error, not a planning key.</summary>
    public bool RequiresSecret { get; init; }

    /// <summary>The user opted in to a secret other than the one that made the store and releases (<c>build --new-secret</c>).</summary>
    public bool AllowNewSecret { get; init; }

    /// <summary>
    /// False for a cluster worker: it never talks to the shared action cache (<c>state:</c>; the coordinator records and
    /// shares every result), so it never reads the cache's password, which the coordinator keeps out of its jobs.
    /// </summary>
    public bool OpensActionCache { get; init; } = true;

    /// <summary>Where notes for the user go (a created secret, a throw-away planning key).</summary>
    public Action<string> Note { get; init; } = _ => { };
}
