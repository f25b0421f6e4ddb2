using DataForge.Engine.Hashing;
using DataForge.Engine.Sources;

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

    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>>? _inputPaths;
    private readonly Dictionary<string, Glob[]>? _inputGlobs;

    /// <summary>
    /// Per input (a source or stage id among <see cref="Inputs"/>): globs (<c>**</c>, <c>*</c>, <c>?</c>) of the item
    /// paths the stage reads from it. The input's other items are neither given to the stage nor part of its action
    /// keys: a stage reading an upstream stage's volumes never sees its sidecars, and a change to a source file that
    /// no glob matches reruns nothing. Inputs not named are read whole. Items pass by path alone (planning reads no
    /// metadata).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? InputPaths
    {
        get => _inputPaths;
        init
        {
            if (value?.Keys.FirstOrDefault(k => !Inputs.Contains(k, StringComparer.Ordinal)) is { } unknown)
                throw new ArgumentException($"InputPaths names '{unknown}', which is not an input of stage {Id}", nameof(value));
            _inputPaths = value;
            _inputGlobs = value?.ToDictionary(kv => kv.Key, kv => kv.Value.Select(p => new Glob(p)).ToArray(), StringComparer.Ordinal);
        }
    }

    /// <summary>True when the stage reads only some of an input's items (globs are given for it).</summary>
    public bool FiltersInput(string input) => _inputGlobs is not null && _inputGlobs.ContainsKey(input);

    /// <summary>True when the stage reads the item at relative <paramref name="path"/> of <paramref name="input"/> (see <see cref="InputPaths"/>).</summary>
    public bool Reads(string input, string path) =>
        _inputGlobs is null || !_inputGlobs.TryGetValue(input, out var globs) || globs.Any(g => g.IsMatch(path));
}
