using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Dicom;

namespace DataForge.Projects.Pacs;

/// <summary>
/// Pulls one DICOMweb source into its cache (<see cref="PacsCache"/>). QIDO-RS lists the query's studies and their
/// series, with each series' instance count. A series whose instances the cache already holds in that number is
/// taken from the cache without another request (listing a series' instances costs a server such as Orthanc a read
/// of every file). A series with nothing cached is retrieved whole in one WADO-RS request, and its instances are
/// what that request delivered; a series partly cached (a pull cut short, or a series that grew or shrank) has its
/// instances listed (QIDO-RS) and the missing ones retrieved one by one. Only when every series is whole in the
/// cache is the list pinned. A series that cannot be fetched whole ends the pull with an error after retries,
/// and the previous pin stands: the build never reads part of a series.
/// </summary>
public sealed class PacsPull(PacsCache cache, DicomWebClient client, Action<PullProgress>? progress = null)
{
    private const string StudyUid = "0020000D", SeriesUid = "0020000E", SopUid = "00080018", SeriesInstances = "00201209";

    /// <summary>Series fetched at once.</summary>
    public const int Transfers = 2;

    private readonly Lock _gate = new();

    private string Name => client.Endpoint.Name;

    /// <summary>The series the query returns now, sorted, with their instance counts.</summary>
    public async Task<List<PacsSeries>> ListAsync(DicomWebQuery query, CancellationToken cancellationToken)
    {
        var studies = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var search in query.Studies)
            foreach (var study in await client.SearchAsync("studies", [.. search, new("includefield", StudyUid)], cancellationToken))
                if (Text(study, StudyUid) is { } uid) studies.Add(uid);
        var found = new List<PacsSeries>();
        foreach (var study in studies)
        {
            var series = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var search in query.Series)
                foreach (var s in await client.SearchAsync($"studies/{study}/series", [.. search, new("includefield", SeriesInstances)], cancellationToken))
                    if (Text(s, SeriesUid) is { } uid)
                        series[uid] = int.TryParse(Text(s, SeriesInstances), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1;
            found.AddRange(series.Select(s => new PacsSeries(study, s.Key, s.Value)));
        }
        return found;
    }

    /// <summary>Lists, fetches what is missing, and pins the instances.</summary>
    public async Task<PullResult> PullAsync(DicomWebQuery query, CancellationToken cancellationToken)
    {
        cache.Prepare();
        var listed = await ListAsync(query, cancellationToken);
        var known = cache.Known();
        var cachedBySeries = CachedBySeries(known.Values);
        var toFetch = listed.Where(s => Cached(cachedBySeries, s).Count != s.Instances).ToList();
        var state = new FetchState(toFetch.Sum(s => Math.Max(0, s.Instances - Cached(cachedBySeries, s).Count)));
        Report(state);
        var bySeries = new List<PacsInstance>[listed.Count];
        // Two series at once: while one answer is written to the cache the server prepares the next.
        await Parallel.ForEachAsync(Enumerable.Range(0, listed.Count), new ParallelOptions { MaxDegreeOfParallelism = Transfers, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var series = listed[i];
                var cached = Cached(cachedBySeries, series);
                bySeries[i] = cached.Count == series.Instances ? cached : await FetchSeriesAsync(series, cached, known, state, token);
            });
        var pinned = bySeries.SelectMany(s => s).ToList();
        var result = Compare(cache.Pinned(), listed) with { Fetched = state.Done, Bytes = state.Bytes };
        cache.Pin(pinned);
        return result;
    }

    /// <summary>What the query returns now against the pin, by count, without fetching or pinning anything (<c>status --refresh</c>).</summary>
    public async Task<PullResult> RefreshAsync(DicomWebQuery query, CancellationToken cancellationToken) =>
        Compare(cache.Pinned(), await ListAsync(query, cancellationToken));

    /// <summary>Studies by UID; instances by each series' count (a series whose count did not change is taken as unchanged).</summary>
    private PullResult Compare(IReadOnlyList<PacsInstance>? before, IReadOnlyList<PacsSeries> now)
    {
        var old = (before ?? []).GroupBy(i => i.Series, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (Study: g.First().Study, Count: g.Count()), StringComparer.Ordinal);
        var oldStudies = old.Values.Select(s => s.Study).ToHashSet(StringComparer.Ordinal);
        var newStudies = now.Select(s => s.Study).ToHashSet(StringComparer.Ordinal);
        var current = now.ToDictionary(s => s.Series, s => Math.Max(0, s.Instances), StringComparer.Ordinal);
        return new PullResult
        {
            Source = Name,
            Studies = newStudies.Count,
            Series = now.Count,
            Instances = current.Values.Sum(),
            StudiesAdded = newStudies.Count(s => !oldStudies.Contains(s)),
            StudiesRemoved = oldStudies.Count(s => !newStudies.Contains(s)),
            InstancesAdded = current.Sum(s => Math.Max(0, s.Value - (old.TryGetValue(s.Key, out var o) ? o.Count : 0))),
            InstancesRemoved = old.Sum(s => Math.Max(0, s.Value.Count - current.GetValueOrDefault(s.Key))),
            HadPin = before is not null,
        };
    }

    /// <summary>
    /// Fetches one series until it is whole: at first the whole series in one request when nothing of it is cached,
    /// else (or after a body cut short) its instances listed and the missing ones asked for one by one. Returns the
    /// series' instances.
    /// </summary>
    private async Task<List<PacsInstance>> FetchSeriesAsync(PacsSeries series, List<PacsInstance> cached, Dictionary<string, PacsInstance> known,
        FetchState state, CancellationToken cancellationToken)
    {
        if (cached.Count == 0)
        {
            var received = new List<PacsInstance>();
            try
            {
                await RetrieveAsync($"studies/{series.Study}/series/{series.Series}", series, known, state, received, cancellationToken);
                // The whole series in one answer, as many instances as the series search said: that is the series.
                if (received.Count == series.Instances) return received;
            }
            catch (Exception e) when (DicomWebClient.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(client.Backoff(1), cancellationToken);
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var listed = new List<string>();
                foreach (var found in await client.SearchAsync($"studies/{series.Study}/series/{series.Series}/instances", [new("includefield", SopUid)], cancellationToken))
                    if (Text(found, SopUid) is { } sop) listed.Add(sop);
                foreach (var sop in listed.Where(s => !IsKnown(known, s)).ToList())
                    await RetrieveAsync($"studies/{series.Study}/series/{series.Series}/instances/{sop}", series, known, state, null, cancellationToken);
                var missing = listed.Count(s => !IsKnown(known, s));
                if (missing == 0)
                    lock (_gate) return listed.Order(StringComparer.Ordinal).Select(s => known[s] with { Study = series.Study, Series = series.Series }).ToList();
                // The server listed instances that it did not send when asked for each: the series cannot be made whole.
                throw new DicomWebException($"{Name}: {missing} instance(s) of a series the server at {client.Endpoint.Host} listed were not sent; " +
                                            "the series is not used (nothing of it is published); run the build again, or check the server", isSetup: false);
            }
            catch (Exception e) when (DicomWebClient.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= client.Attempts)
                    throw new DicomWebException($"{Name}: a series could not be fetched whole from {client.Endpoint.Host} after {attempt} attempts ({e.GetType().Name}); " +
                                                "what arrived is cached, the series is not used; run the build again", isSetup: false);
                await Task.Delay(client.Backoff(attempt), cancellationToken);
            }
        }
    }

    private async Task RetrieveAsync(string relative, PacsSeries series, Dictionary<string, PacsInstance> known, FetchState state, List<PacsInstance>? received,
        CancellationToken cancellationToken) =>
        await client.RetrieveAsync(relative, () => new HashingFileStream(cache.NewTempFile()), async part =>
        {
            var file = (HashingFileStream)part;
            var sha256 = file.Finish();
            var bytes = file.Written;
            await file.DisposeAsync();
            string? sop;
            try
            {
                sop = DicomFile.OpenHeader(file.Path).Dataset.GetString(DicomTags.SOPInstanceUID)?.TrimEnd('\0', ' ');
            }
            catch (DicomFormatException)
            {
                sop = null;
            }
            if (string.IsNullOrEmpty(sop))
            {
                // Not DICOM, or no SOP Instance UID: it stands for no instance, so its series stays incomplete.
                File.Delete(file.Path);
                return;
            }
            var instance = new PacsInstance(series.Study, series.Series, sop, sha256);
            lock (_gate)
            {
                cache.Add(file.Path, instance);
                received?.Add(instance);
                if (known.TryAdd(sop, instance))
                {
                    state.Done++;
                    state.Bytes += bytes;
                    Report(state);
                }
            }
        }, cancellationToken);

    private bool IsKnown(Dictionary<string, PacsInstance> known, string sop)
    {
        lock (_gate) return known.ContainsKey(sop);
    }

    private static Dictionary<string, List<PacsInstance>> CachedBySeries(IEnumerable<PacsInstance> known) =>
        known.GroupBy(i => (i.Study, i.Series)).ToDictionary(g => g.Key.Study + "\t" + g.Key.Series, g => g.OrderBy(i => i.Sop, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

    private static List<PacsInstance> Cached(Dictionary<string, List<PacsInstance>> bySeries, PacsSeries series) =>
        bySeries.GetValueOrDefault(series.Study + "\t" + series.Series) ?? [];

    private void Report(FetchState state) => progress?.Invoke(new PullProgress(Name, state.Done, state.Total, state.Bytes));

    /// <summary>The first value of an attribute in a DICOM JSON dataset, as text (UIDs are strings, IS values numbers).</summary>
    private static string? Text(JsonObject dataset, string tag) =>
        dataset[tag]?["Value"] is JsonArray { Count: > 0 } values ? values[0]?.ToString() : null;

    private sealed class FetchState(int total)
    {
        public int Total { get; } = total;
        public int Done { get; set; }
        public long Bytes { get; set; }
    }
}
