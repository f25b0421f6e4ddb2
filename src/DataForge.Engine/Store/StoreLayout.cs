namespace DataForge.Engine.Store;

/// <summary>
/// Where a project's private state lives: <c>&lt;project&gt;/.dataforge/</c> (0700) holding
/// <c>state.db</c>, <c>objects/ab/cdef…</c>, <c>tmp/</c> (scratch, emptied by each build), <c>damaged/</c> (objects
/// that no longer hashed to their name, moved out of the store; safe to delete) and the build lock, plus the output
/// folder where published outputs are materialised.
/// </summary>
public sealed class StoreLayout
{
    public StoreLayout(string projectRoot, string outputRoot)
    {
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

    public string Objects => Path.Combine(StateRoot, "objects");

    public string Temp => Path.Combine(StateRoot, "tmp");

    /// <summary><c>.dataforge/damaged/</c>: objects moved out of the store because their bytes no longer hash to their name.</summary>
    public string Damaged => Path.Combine(StateRoot, "damaged");

    public string Lock => Path.Combine(StateRoot, "build.lock");
}
