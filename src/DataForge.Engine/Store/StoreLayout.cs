namespace DataForge.Engine.Store;

/// <summary>
/// Where a project's private state lives: <c>&lt;project&gt;/.dataforge/</c> (0700) holding
/// <c>state.db</c>, <c>objects/ab/cdef…</c>, <c>tmp/</c> (scratch, emptied by each build), <c>damaged/</c> (objects
/// that no longer hashed to their name, moved out of the store; safe to delete) and the build lock, plus the output
/// folder where published outputs are materialised. With a shared store (<c>store: PATH</c>), the objects live in
/// <c>PATH/objects/</c> instead, beside the gc roots of every project that shares it (see <see cref="SharedStore"/>);
/// everything else stays in <c>.dataforge/</c>: it describes this machine's files.
/// </summary>
public sealed class StoreLayout
{
    /// <param name="projectRoot">The project folder (absolute).</param>
    /// <param name="outputRoot">The output folder (absolute).</param>
    /// <param name="sharedStore">A store folder several projects share (absolute), or null for <c>.dataforge/objects</c>.</param>
    public StoreLayout(string projectRoot, string outputRoot, string? sharedStore = null)
    {
        if (sharedStore is not null && !Path.IsPathRooted(sharedStore)) throw new ArgumentException("the shared store must be an absolute path");
        SharedStore = sharedStore is null ? null : Path.TrimEndingDirectorySeparator(sharedStore);
        if (!Path.IsPathRooted(projectRoot) || !Path.IsPathRooted(outputRoot))
            throw new ArgumentException("project and output folders must be absolute paths");
        ProjectRoot = Path.TrimEndingDirectorySeparator(projectRoot);
        OutputRoot = Path.TrimEndingDirectorySeparator(outputRoot);
        StateRoot = Path.Combine(ProjectRoot, ".dataforge");
    }

    public string ProjectRoot { get; }

    public string OutputRoot { get; }

    /// <summary><c>.dataforge/</c>: private, may hold PHI.</summary>
    public string StateRoot { get; }

    public string Database => Path.Combine(StateRoot, "state.db");

    /// <summary>The store folder several projects share (<c>store:</c>), or null.</summary>
    public string? SharedStore { get; }

    /// <summary>Where objects live: <c>.dataforge/objects</c>, or the shared store's <c>objects/</c>.</summary>
    public string Objects => SharedStore is { } shared ? Path.Combine(shared, "objects") : Path.Combine(StateRoot, "objects");

    public string Temp => Path.Combine(StateRoot, "tmp");

    /// <summary><c>.dataforge/damaged/</c>: objects moved out of the store because their bytes no longer hash to their name.</summary>
    public string Damaged => Path.Combine(StateRoot, "damaged");

    public string Lock => Path.Combine(StateRoot, "build.lock");
}
