using System.Text.Json;

namespace DataForge.Engine.Stages;

/// <summary>
/// One named output of an action: content, a relative path ('/' separated, no '..', chosen from
/// content or config, never from PHI) and small JSON metadata that downstream stages can read or
/// group on (kept in the private object store, never in state.db).
/// </summary>
public sealed class StageOutput
{
    public StageOutput(string path, ReadOnlyMemory<byte> content, JsonElement? metadata = null)
    {
        Path = path;
        Content = content;
        Metadata = metadata;
    }

    /// <summary>
    /// An output whose content is one of the action's inputs, unchanged: the engine neither copies nor
    /// re-hashes it (a source file is read from where it is), and downstream actions see the input's own
    /// provenance, so their keys are those they would have reading the input directly. For filters.
    /// </summary>
    public StageOutput(string path, StageItem passThrough, JsonElement? metadata = null)
    {
        Path = path;
        PassThrough = passThrough;
        Metadata = metadata;
    }

    /// <summary>The input passed through unchanged, or null when <see cref="Content"/> holds the bytes.</summary>
    public StageItem? PassThrough { get; }

    /// <summary>Output-relative path.</summary>
    public string Path { get; }

    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>
    /// Called by the engine once it has stored <see cref="Content"/> (or given up on it), after which it reads the
    /// content no more: a stage can hand a pooled buffer back here. Never called is harmless (the buffer is garbage).
    /// </summary>
    public Action? Release { get; init; }

    /// <summary>Metadata (a JSON object), or null for <c>{}</c>.</summary>
    public JsonElement? Metadata { get; }

    /// <summary>Why a path is not acceptable, or null when it is.</summary>
    public static string? CheckPath(string path)
    {
        if (string.IsNullOrEmpty(path)) return "an output path is empty";
        if (path.StartsWith('/') || path.Contains('\\')) return "an output path must be relative and '/' separated";
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..") return "an output path has an empty, '.' or '..' segment";
            if (segment.StartsWith(".tmp-", StringComparison.Ordinal)) return "an output name may not start with '.tmp-'";
        }
        return path.Any(char.IsControl) ? "an output path holds a control character" : null;
    }
}
