using DataForge.Manifest.Model;
using DataForge.Release;

namespace DataForge.Projects.Pacs;

/// <summary>
/// A project's DICOMweb sources: pulling them into their caches before a build, a fresh query against the pin for
/// <c>status --refresh</c>, and the cached instances a release read, fetched again when the cache lost them (for
/// <c>verify</c>). Server failures become <see cref="ProjectException"/>s that name the source, never a URL's user
/// information or a patient's data: exit 2 for credentials, certificates and unreachable hosts, else 1.
/// </summary>
public static class PacsSources
{
    /// <summary>The manifest's DICOMweb sources.</summary>
    public static IReadOnlyList<SourceSpec> Of(DataForgeManifest manifest) => manifest.Sources.Where(s => s.Kind == "dicomweb").ToList();

    /// <summary>The cache of a source.</summary>
    public static PacsCache CacheOf(PrivateZone zone, string sourceId) => new(zone.Pacs(sourceId));

    /// <summary>Pulls every DICOMweb source (listing, fetching what is not cached, pinning); nothing to do without one.</summary>
    public static IReadOnlyList<PullResult> Pull(Project project, Func<string, string?> environment, Action<PullProgress>? progress, CancellationToken cancellationToken = default) =>
        Run(project.Manifest, environment, _ => true, (source, client) =>
            new PacsPull(CacheOf(project.Zone, source.Id), client, progress).PullAsync(DicomWebQuery.Of(source.Query), cancellationToken));

    /// <summary>A fresh query of every DICOMweb source against its pin; nothing is fetched or pinned.</summary>
    public static IReadOnlyList<PullResult> Refresh(Project project, Func<string, string?> environment, CancellationToken cancellationToken = default) =>
        Run(project.Manifest, environment, _ => true, (source, client) =>
            new PacsPull(CacheOf(project.Zone, source.Id), client).RefreshAsync(DicomWebQuery.Of(source.Query), cancellationToken));

    /// <summary>
    /// The pins of the sources, without asking any server (plain <c>status</c>): source id -> instances pinned, or null
    /// before the first pull, and how many of them the cache does not hold (fsck moved them aside, or they were deleted);
    /// the pins the project's pipeline read (<see cref="Project.Pins"/>).
    /// </summary>
    public static IReadOnlyList<(string Source, int? Instances, int Missing)> Pinned(Project project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return Of(project.Manifest).Select(s =>
        {
            var pin = project.Pins.Of(s.Id);
            return (s.Id, pin.Pinned?.Count, pin.Missing.Count);
        }).ToList();
    }

    /// <summary>
    /// <c>fsck</c> of the DICOMweb caches: per source, every cached instance re-hashed on <paramref name="jobs"/>
    /// threads, the damaged ones moved aside and the pinned ones missing listed (see <see cref="PacsCache.Check"/>).
    /// Needs no secret and asks no server.
    /// </summary>
    public static IReadOnlyList<PacsCacheCheck> Check(DataForgeManifest manifest, PrivateZone zone, int jobs, CancellationToken cancellationToken = default) =>
        Of(manifest).Select(s => CacheOf(zone, s.Id).Check(s.Id, jobs, cancellationToken)).ToList();

    /// <summary>
    /// Per source whose pin names instances the cache does not hold (moved aside by <c>fsck</c>, or deleted): what to
    /// do, by count and hash. The build leaves the series of those instances out (<see cref="PinState"/>); this reads the
    /// pins the project's pipeline read (<see cref="Project.Pins"/>), so it names what that build left out.
    /// </summary>
    public static IReadOnlyList<string> MissingPinned(Project project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var problems = new List<string>();
        foreach (var source in Of(project.Manifest))
        {
            var missing = project.Pins.Of(source.Id).Missing;
            if (missing.Count == 0) continue;
            var series = missing.Select(i => (i.Study, i.Series)).Distinct().Count();
            var hashes = missing.Select(i => i.Sha256![..12]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            problems.Add($"source '{source.Id}': {missing.Count} pinned instance(s) are not in the cache (moved aside by 'dataforge fsck', or deleted; " +
                         $"{string.Join(", ", hashes.Take(5))}{(hashes.Count > 5 ? ", ..." : "")}), so their {series} series {(series == 1 ? "was" : "were")} left out of " +
                         "this build; run 'dataforge pull' (or 'dataforge build', which pulls first) to fetch them again");
        }
        return problems;
    }

    /// <summary>
    /// <c>gc</c> of the DICOMweb caches: per source, removes the cached instances that neither its pin nor any of
    /// <paramref name="releases"/> read, and the damaged copies fsck moved aside (see <see cref="PacsCache.Collect"/>).
    /// Returns per source what was removed.
    /// </summary>
    public static IReadOnlyList<(string Source, int Removed, long Bytes, int Damaged)> Collect(Project project, IEnumerable<ReleaseManifest> releases)
    {
        ArgumentNullException.ThrowIfNull(project);
        var read = releases.SelectMany(r => r.Sources).ToList();
        return Of(project.Manifest).Select(source =>
        {
            var keep = read.Where(s => s.Source == source.Id).Select(s => s.Sha256).ToHashSet(StringComparer.Ordinal);
            var (removed, bytes, damaged) = CacheOf(project.Zone, source.Id).Collect(keep);
            return (source.Id, removed, bytes, damaged);
        }).ToList();
    }

    /// <summary>
    /// Puts back into the caches the instances a release read that they no longer hold, fetched again by their UIDs
    /// (from the private list of fetched instances) and kept only when their bytes hash to what the release recorded.
    /// Returns how many were fetched.
    /// </summary>
    public static int Restore(Project current, DataForgeManifest released, ReleaseManifest release, Func<string, string?> environment, CancellationToken cancellationToken = default)
    {
        var restored = 0;
        // Only sources whose cache lost something are asked (and need their credentials).
        bool Lost(SourceSpec source) => release.Sources.Any(s => s.Source == source.Id && !File.Exists(CacheOf(current.Zone, source.Id).ObjectPath(s.Sha256)));
        Run(released, environment, Lost, async (source, client) =>
        {
            var cache = CacheOf(current.Zone, source.Id);
            var wanted = release.Sources.Where(s => s.Source == source.Id && !File.Exists(cache.ObjectPath(s.Sha256))).Select(s => s.Sha256).ToHashSet(StringComparer.Ordinal);
            cache.Prepare();
            // Every instance ever fetched is listed with its UIDs, whether or not its object is still there.
            var byHash = cache.Fetched().Where(i => wanted.Contains(i.Sha256!)).GroupBy(i => i.Sha256!).Select(g => g.First()).ToList();
            foreach (var instance in byHash)
            {
                await client.RetrieveAsync($"studies/{instance.Study}/series/{instance.Series}/instances/{instance.Sop}",
                    () => new HashingFileStream(cache.NewTempFile()), async part =>
                    {
                        var file = (HashingFileStream)part;
                        var sha256 = file.Finish();
                        await file.DisposeAsync();
                        // Bytes other than those released are not the release's input: they are dropped, and verify names the source as missing.
                        if (sha256 != instance.Sha256) { File.Delete(file.Path); return; }
                        cache.Add(file.Path, instance);
                        restored++;
                    }, cancellationToken);
            }
            return new PullResult { Source = source.Id };
        });
        return restored;
    }

    private static IReadOnlyList<PullResult> Run(DataForgeManifest manifest, Func<string, string?> environment, Func<SourceSpec, bool> which,
        Func<SourceSpec, DicomWebClient, Task<PullResult>> action)
    {
        var results = new List<PullResult>();
        foreach (var source in Of(manifest).Where(which))
        {
            var endpoint = DicomWebEndpoint.Of(manifest, $"source '{source.Id}'", source.Url!, source.Auth, source.CaFile, environment);
            using var client = new DicomWebClient(endpoint, Attempts(environment));
            try
            {
                results.Add(action(source, client).GetAwaiter().GetResult());
            }
            catch (DicomWebException e)
            {
                throw new ProjectException(e.Message, isUsage: e.IsSetup);
            }
            catch (Exception e) when (DicomWebClient.IsTransient(e))
            {
                throw new ProjectException($"source '{source.Id}': the server at {endpoint.Host} broke off a transfer ({e.GetType().Name}); run again: what arrived is cached", isUsage: false);
            }
        }
        return results;
    }

    /// <summary>Tries of a request (<c>DATAFORGE_HTTP_ATTEMPTS</c>, default 5): a test or a flaky network may want another number.</summary>
    public static int Attempts(Func<string, string?> environment) =>
        int.TryParse(environment("DATAFORGE_HTTP_ATTEMPTS"), out var n) && n is >= 1 and <= 20 ? n : 5;
}
