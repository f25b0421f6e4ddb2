using System.Text.Json.Nodes;
using DataForge.Manifest.Yaml;

namespace DataForge.Manifest.Model;

/// <summary>
/// A validated <c>dataforge.yaml</c>. Sections whose stages read their own settings (curate,
/// deidentify, harmonise, labels, splits) are kept as JSON: that JSON, canonicalised, is what
/// goes into the stages' action keys, and each stage binds it to its own types.
/// </summary>
public sealed record DataForgeManifest
{
    public required int Version { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public SecretReference? Secret { get; init; }
    public required IReadOnlyList<SourceSpec> Sources { get; init; }
    public JsonObject? Curate { get; init; }
    public JsonObject? Deidentify { get; init; }
    public JsonArray? Harmonise { get; init; }
    public JsonObject? Labels { get; init; }
    public JsonObject? Splits { get; init; }
    public OutputSpec Output { get; init; } = new();

    /// <summary><c>store:</c>: a store folder shared with other projects (as written; relative to the manifest's folder), or null for <c>.dataforge/objects</c>.</summary>
    public string? Store { get; init; }

    /// <summary><c>state:</c>: a shared action cache in PostgreSQL, or null (state.db alone).</summary>
    public StateSpec? State { get; init; }
    public ReleaseSpec Release { get; init; } = new();

    /// <summary><c>execution:</c>: where a build runs its actions (never part of an action key).</summary>
    public ExecutionSpec Execution { get; init; } = new();

    /// <summary><c>publish:</c>: destinations by name, for <c>dataforge push VERSION --to NAME</c>.</summary>
    public IReadOnlyDictionary<string, PublishTarget> Publish { get; init; } = new Dictionary<string, PublishTarget>(StringComparer.Ordinal);

    /// <summary>Path of the manifest file as given by the user (used in diagnostics).</summary>
    public required string FilePath { get; init; }

    /// <summary>Folder that relative paths in the manifest are resolved against.</summary>
    public required string BaseDirectory { get; init; }

    /// <summary>The parsed document, to report later problems at their line and column.</summary>
    public required LocatedDocument Document { get; init; }

    /// <summary>Absolute path of a path written in the manifest.</summary>
    public string Resolve(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(BaseDirectory, relative));
}
