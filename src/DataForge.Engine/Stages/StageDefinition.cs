using DataForge.Engine.Hashing;

namespace DataForge.Engine.Stages;

/// <summary>
/// Everything the engine needs to know about a stage besides its code. All of it that can change an
/// output is part of the stage's action keys: id, implementation version, config, shape, grouping
/// property, and whether the stage sees input paths.
/// </summary>
public sealed record StageDefinition
{
    public StageDefinition(string id, int version, StageShape shape, IReadOnlyList<string> inputs, CanonicalJson? config = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new ArgumentException("a stage id holds ASCII letters, digits, '-', '_' and '.' only", nameof(id));
        if (inputs.Count == 0) throw new ArgumentException("a stage reads at least one source or stage", nameof(inputs));
        Id = id;
        Version = version;
        Shape = shape;
        Inputs = inputs.ToArray();
        Config = config ?? CanonicalJson.EmptyObject;
    }

    /// <summary>Unique name of the stage in a pipeline.</summary>
    public string Id { get; }

    /// <summary>Implementation version: bump it whenever the code changes what it outputs.</summary>
    public int Version { get; }

    /// <summary>Map, group or reduce.</summary>
    public StageShape Shape { get; }

    /// <summary>Ids of the sources and earlier stages whose items this stage reads, in order.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The stage's parameters, canonical.</summary>
    public CanonicalJson Config { get; }

    /// <summary>
    /// For <see cref="StageShape.Group"/>: the top-level property of each input item's metadata
    /// whose value forms the group (e.g. the series UID emitted by a header-parsing map stage).
    /// </summary>
    public string? GroupBy { get; init; }

    /// <summary>
    /// When true the stage sees its inputs' relative paths, and they become part of its action keys
    /// (a rename then reruns it). When false (the default) a renamed input with the same content is
    /// served from the cache.
    /// </summary>
    public bool ReadsInputPaths { get; init; }

    /// <summary>When true the stage's outputs are materialised into the output folder at their paths.</summary>
    public bool Publish { get; init; }
}
