using System.Security.Cryptography;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;
using DataForge.Manifest.Model;
using DataForge.Release;

namespace DataForge.Projects;

/// <summary>The outcome of verifying a release (see <see cref="ReleaseVerification"/>). Paths are output paths; sources are named by reference.</summary>
public sealed record VerificationResult
{
    /// <summary>Source files the release read.</summary>
    public required int SourcesReleased { get; init; }

    /// <summary>Recorded source contents that are no longer there, with their references when the private index knows them.</summary>
    public required IReadOnlyList<MissingSource> MissingSources { get; init; }

    /// <summary>False when only the sources were checked.</summary>
    public bool Rebuilt { get; init; }

    public int FilesReleased { get; init; }

    public int Matched { get; init; }

    public IReadOnlyList<string> Differing { get; init; } = [];

    public IReadOnlyList<string> Missing { get; init; } = [];

    public IReadOnlyList<string> Extra { get; init; } = [];

    /// <summary>Released files whose rebuild ran the same action (the action key the release recorded in its provenance).</summary>
    public int SameActions { get; init; }

    /// <summary>Objects of the release's files in this project's store (what <c>export</c> reads), re-hashed.</summary>
    public int StoreChecked { get; init; }

    /// <summary>Released files whose store object is damaged, after any restore (output paths).</summary>
    public IReadOnlyList<string> StoreDamaged { get; init; } = [];

    /// <summary>Released files whose store object is missing, after any restore (output paths).</summary>
    public IReadOnlyList<string> StoreMissing { get; init; } = [];

    /// <summary>Store objects that were missing or damaged and were put back from the bit-identical rebuild.</summary>
    public int StoreRestored { get; init; }

    /// <summary>Items that failed in the rebuild.</summary>
    public int FailedItems { get; init; }

    /// <summary>
    /// The sources are as released, the rebuild (when made) matches every byte, and the store holds every
    /// released object intact, so <c>export</c> of the release works: verify never says verified while export fails.
    /// </summary>
    public bool Verified => MissingSources.Count == 0 && Differing.Count == 0 && Missing.Count == 0 && Extra.Count == 0
                            && StoreDamaged.Count == 0 && StoreMissing.Count == 0;
}

/// <summary>A source content a release read that is not there now: <see cref="Changed"/> when its file is there with other content, else gone.</summary>
public sealed record MissingSource(ReleaseSource Source, string? Reference, bool Changed);

/// <summary>
/// Proves a release rebuilds bit for bit: the project as released (<see cref="Project.AsReleased"/>:
/// the committed manifest, the recorded secret, exactly the recorded inputs) is built into a fresh
/// private temporary store, and every output file read back from disk is compared by SHA-256 with the
/// release manifest. Files added to the sources since the release are not read; a recorded input that
/// changed or went is named by reference, and only then can the rebuild differ.
/// </summary>
public static class ReleaseVerification
{
    public static VerificationResult Run(Project current, DataForgeManifest released, ReleaseManifest release, ProjectOptions options,
        BuildOptions buildOptions, bool sourcesOnly)
    {
        var index = ReleaseSources.Read(current.Zone, release.Version);
        var project = current.AsReleased(released, release, index, options);
        // DICOMweb sources: instances the release read that their cache lost are fetched again and kept only if their hash is the recorded one.
        Pacs.PacsSources.Restore(current, released, release, options.Environment);

        var temp = Directory.CreateTempSubdirectory("dataforge-verify-");
        try
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return Run(project, current, release, index, new StoreLayout(temp.FullName, Path.Combine(temp.FullName, "out")), buildOptions with { OnProgress = null }, sourcesOnly);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    private static VerificationResult Run(Project project, Project current, ReleaseManifest release, ReleaseSources index, StoreLayout layout,
        BuildOptions buildOptions, bool sourcesOnly)
    {
        // The recorded inputs against what is there now: the project's stat cache spares re-hashing; without
        // a store (a lost .dataforge/, a fresh clone) the sources are indexed in the temporary one.
        var unpinned = new Pipeline(project.Pipeline.Sources.Select(s => new Engine.Sources.SourceSpec(s.Id, s.Root, s.Include, s.Exclude)), []);
        var engine = new BuildEngine(layout);
        IReadOnlyList<ListedSource> listed;
        if (File.Exists(current.Zone.Layout.Database)) listed = current.Engine.ListOutputs(unpinned, buildOptions).Sources;
        else
        {
            engine.Build(unpinned, buildOptions);
            listed = engine.ListOutputs(unpinned, buildOptions).Sources;
        }
        var now = listed.Select(s => (s.SourceId, s.Hash.Hex)).ToHashSet();
        var paths = listed.Select(s => (s.SourceId, s.RelativePath)).ToHashSet();
        var missingSources = release.Sources.Where(s => !now.Contains((s.Source, s.Sha256)))
            .Select(s => new MissingSource(s, index.ReferenceOf(s.Sha256), index.Of(s.Source, s.Sha256).Any(e => paths.Contains((s.Source, e.Path)))))
            .ToList();
        var result = new VerificationResult { SourcesReleased = release.Sources.Count, MissingSources = missingSources, FilesReleased = release.Files.Count };
        var hashes = release.Files.Select(f => ContentHash.Parse(f.Sha256)).ToList();
        if (sourcesOnly) return WithStore(result, current.Engine.CheckObjects(hashes, buildOptions), release, 0);

        {
            var build = engine.Build(project.Pipeline, buildOptions);
            var rebuilt = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Directory.Exists(layout.OutputRoot))
                foreach (var path in Directory.EnumerateFiles(layout.OutputRoot, "*", SearchOption.AllDirectories))
                {
                    using var stream = File.OpenRead(path);
                    rebuilt[Path.GetRelativePath(layout.OutputRoot, path).Replace('\\', '/')] = Convert.ToHexStringLower(SHA256.HashData(stream));
                }
            var releasedFiles = release.Files.ToDictionary(f => f.Path, f => f.Sha256, StringComparer.Ordinal);
            var actions = engine.ListOutputs(project.Pipeline, buildOptions).Outputs
                .ToDictionary(o => o.Path, o => o.ActionKey.Hex, StringComparer.Ordinal);
            // The project's store must hold what export reads: objects it lacks or holds damaged are put back from
            // the rebuild where the rebuilt file is the released one, byte for byte.
            var store = current.Engine.CheckObjects(hashes, buildOptions);
            var restored = 0;
            if (!store.AllIntact && Directory.Exists(current.Zone.Root))
            {
                var wanted = store.Damaged.Concat(store.Missing).ToHashSet();
                var from = release.Files.Where(f => rebuilt.GetValueOrDefault(f.Path) == f.Sha256 && wanted.Contains(ContentHash.Parse(f.Sha256)))
                    .GroupBy(f => ContentHash.Parse(f.Sha256))
                    .ToDictionary(g => g.Key, g => Path.Combine(layout.OutputRoot, g.First().Path));
                if (from.Count > 0)
                {
                    restored = current.Engine.RestoreObjects(from, "release:" + release.Version, hashes, buildOptions);
                    store = current.Engine.CheckObjects(hashes, buildOptions);
                }
            }
            return WithStore(result, store, release, restored) with
            {
                Rebuilt = true,
                Matched = releasedFiles.Count(p => rebuilt.GetValueOrDefault(p.Key) == p.Value),
                Differing = releasedFiles.Where(p => rebuilt.TryGetValue(p.Key, out var h) && h != p.Value).Select(p => p.Key).Order(StringComparer.Ordinal).ToList(),
                Missing = releasedFiles.Keys.Where(p => !rebuilt.ContainsKey(p)).Order(StringComparer.Ordinal).ToList(),
                Extra = rebuilt.Keys.Where(p => !releasedFiles.ContainsKey(p)).Order(StringComparer.Ordinal).ToList(),
                FailedItems = build.Failures.Count,
                SameActions = release.Files.Count(f => actions.GetValueOrDefault(f.Path) == f.Provenance.Action),
            };
        }
    }

    private static VerificationResult WithStore(VerificationResult result, ObjectCheck store, ReleaseManifest release, int restored)
    {
        List<string> PathsOf(IReadOnlyList<ContentHash> objects)
        {
            var set = objects.Select(o => o.Hex).ToHashSet(StringComparer.Ordinal);
            return release.Files.Where(f => set.Contains(f.Sha256)).Select(f => f.Path).Order(StringComparer.Ordinal).ToList();
        }
        return result with { StoreChecked = store.Checked, StoreDamaged = PathsOf(store.Damaged), StoreMissing = PathsOf(store.Missing), StoreRestored = restored };
    }
}
