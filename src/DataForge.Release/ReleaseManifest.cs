using System.Text.Json.Nodes;

namespace DataForge.Release;

/// <summary>
/// What a release pins (schema <c>schemas/release-manifest.schema.json</c>, <see cref="SchemaVersion"/>):
/// the tool and manifest that made it, the policy, the source contents it read (hashes only) and every
/// output file with its hash, kind, provenance and the reviewer-facing facts of its item, and the source files left
/// out (not DICOM, DICOMDIR, damaged) by hash. Nothing in
/// it names an original file or carries an identifier: paths are output paths (pseudonyms and new
/// UIDs), provenance is hashes. No timestamps: the commit carries the date.
/// </summary>
public sealed record ReleaseManifest
{
    /// <summary>The release manifest format this code writes; it reads this one and the ones before it.</summary>
    /// <remarks>2: <c>excluded</c>, the source files left out by content hash (not DICOM, DICOMDIR, damaged and excluded).</remarks>
    public const int SchemaVersion = 2;

    /// <summary>The oldest format this code reads (it has no <see cref="Excluded"/>).</summary>
    public const int OldestReadable = 1;

    public required string Dataset { get; init; }

    public required string Version { get; init; }

    public required string ToolVersion { get; init; }

    /// <summary>SHA-256 of the dataforge.yaml bytes the release was built from.</summary>
    public required string ManifestSha256 { get; init; }

    /// <summary>
    /// Keyed fingerprint of the project secret that made the release (no secret in it); null when the
    /// pipeline needs no secret, or in releases made before it was recorded.
    /// </summary>
    public string? SecretFingerprint { get; init; }

    /// <summary>The manifest's policy sections (deidentify, harmonise, ..., output layout), canonical JSON.</summary>
    public required JsonObject Policy { get; init; }

    /// <summary>Source file contents read, sorted by source then hash (no paths).</summary>
    public required IReadOnlyList<ReleaseSource> Sources { get; init; }

    /// <summary>Source files left out before anything was made from them, by content hash (no paths); empty in format 1.</summary>
    public IReadOnlyList<ExcludedSource> Excluded { get; init; } = [];

    /// <summary>Output files, sorted by path (ordinal).</summary>
    public required IReadOnlyList<ReleaseFile> Files { get; init; }

    public ReleaseCounts Counts => ReleaseCounts.Of(Files);
}

/// <summary>One source file's content as read by the release (its path stays private).</summary>
public sealed record ReleaseSource(string Source, string Sha256, long Size);

/// <summary>One output file of a release.</summary>
public sealed record ReleaseFile
{
    public required string Path { get; init; }

    public required long Size { get; init; }

    public required string Sha256 { get; init; }

    /// <summary>One of <see cref="OutputKinds"/>.</summary>
    public required string Kind { get; init; }

    public required Provenance Provenance { get; init; }

    /// <summary>Facts for reviewers (see <see cref="ReleaseItem"/>); an empty object when the stage gives none.</summary>
    public required JsonObject Item { get; init; }

    public string? Patient => ReleaseItem.Text(Item, "patient");

    public string? Study => ReleaseItem.Text(Item, "study");

    public string? Series => ReleaseItem.Text(Item, "series");
}

/// <summary>How a file was made: the stage, its action key, and the content hashes of the action's inputs in order.</summary>
public sealed record Provenance(string Stage, string Action, IReadOnlyList<string> Inputs);

/// <summary>Totals shown by log and the card.</summary>
public sealed record ReleaseCounts(int Patients, int Studies, int Series, int Files, long Bytes)
{
    public static ReleaseCounts Of(IReadOnlyList<ReleaseFile> files) => new(
        files.Select(f => f.Patient).OfType<string>().Distinct(StringComparer.Ordinal).Count(),
        files.Select(f => f.Study).OfType<string>().Distinct(StringComparer.Ordinal).Count(),
        files.Select(f => f.Series).OfType<string>().Distinct(StringComparer.Ordinal).Count(),
        files.Count,
        files.Sum(f => f.Size));
}
