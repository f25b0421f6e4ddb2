using DataForge.Engine.Hashing;

namespace DataForge.Engine.Building;

/// <summary>
/// The current build's published outputs, read from the store without running anything (see
/// <see cref="BuildEngine.ListOutputs"/>). <see cref="Complete"/> is true only when every action of
/// the pipeline is recorded for the sources as they are now and the output folder holds exactly
/// these files; otherwise <see cref="Problems"/> says what is stale and the lists are partial.
/// </summary>
public sealed record OutputListing
{
    /// <summary>Published outputs in ordinal path order.</summary>
    public IReadOnlyList<ListedOutput> Outputs { get; init; } = [];

    /// <summary>Every source file the pipeline reads, by source id then path (paths are private: they may name patients).</summary>
    public IReadOnlyList<ListedSource> Sources { get; init; } = [];

    /// <summary>Why the listing is not the complete current build (empty when it is). No paths, no content.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>True when the last build recorded its fingerprint, which it does only when no item failed.</summary>
    public bool LastBuildSucceeded { get; init; }

    public bool Complete => Problems.Count == 0;
}

/// <summary>
/// One published output: output-relative path, SHA-256 of its content (= store object), size, the
/// stage and action that made it, the content hashes of that action's inputs in the action's order,
/// the metadata object's hash and its canonical JSON text.
/// </summary>
public sealed record ListedOutput(
    string Path,
    ContentHash Object,
    long Size,
    string StageId,
    ContentHash ActionKey,
    IReadOnlyList<ContentHash> Inputs,
    ContentHash Metadata,
    string MetadataJson);

/// <summary>One source file: source id, source-relative path (private), content hash and size.</summary>
public sealed record ListedSource(string SourceId, string RelativePath, ContentHash Hash, long Size);
