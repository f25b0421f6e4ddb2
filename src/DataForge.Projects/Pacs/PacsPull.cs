using System.Text.Json.Nodes;
using DataForge.Dicom;

namespace DataForge.Projects.Pacs;

/// <summary>
/// Pulls one DICOMweb source into its cache (<see cref="PacsCache"/>): the query's instances are listed with
/// QIDO-RS (studies, their series, their instances), those not cached are retrieved with WADO-RS (a whole series
/// in one request when none of it is cached, else instance by instance), and only when every listed instance is
/// cached is the list pinned. A series that cannot be fetched whole ends the pull with an error after retries,
/// and the previous pin stands: the build never reads part of a series.
/// </summary>
public sealed class PacsPull(PacsCache cache, DicomWebClient client, Action<PullProgress>? progress = null)
{
    private const string StudyUid = "0020000D", SeriesUid = "0020000E", SopUid = "00080018";

    private string Name => client.Endpoint.Name;

    /// <summary>The instances the query returns now, sorted, without hashes.</summary>
    public async Task<List<PacsInstance>> ListAsync(DicomWebQuery query, CancellationToken cancellationToken)
    {
        var studies = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var search in query.Studies)
            foreach (var study in await client.SearchAsync("studies", [.. search, new("includefield", StudyUid)], cancellationToken))
                if (Uid(study, StudyUid) is { } uid) studies.Add(uid);
        var instances = new List<PacsInstance>();
        foreach (var study in studies)
        {
            var series = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var search in query.Series)
                foreach (var found in await client.SearchAsync($"studies/{study}/series", search, cancellationToken))
                    if (Uid(found, SeriesUid) is { } uid) series.Add(uid);
            foreach (var s in series)
            {
                var sops = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var found in await client.SearchAsync($"studies/{study}/series/{s}/instances", [], cancellationToken))
                    if (Uid(found, SopUid) is { } uid) sops.Add(uid);
                instances.AddRange(sops.Select(sop => new PacsInstance(study, s, sop)));
            }
        }
        return instances;
    }

    /// <summary>Lists, fetches what is missing, and pins the list.</summary>
    public async Task<PullResult> PullAsync(DicomWebQuery query, CancellationToken cancellationToken)
    {
        cache.Prepare();
        var listed = await ListAsync(query, cancellationToken);
        var known = cache.Known();
        var missing = listed.Where(i => !known.ContainsKey(i.Sop)).ToList();
        var state = new FetchState(missing.Count);
        Report(state);
        foreach (var series in missing.GroupBy(i => (i.Study, i.Series)))
            await FetchSeriesAsync(series.Key.Study, series.Key.Series, series.ToList(), known, state, cancellationToken);
        var pinned = listed.Select(i => i with { Sha256 = known[i.Sop].Sha256 }).ToList();
        var result = Compare(cache.Pinned(), pinned) with { Fetched = state.Done, Bytes = state.Bytes };
        cache.Pin(pinned);
        return result;
    }

    /// <summary>What the query returns now against the pin, without fetching or pinning anything (<c>status --refresh</c>).</summary>
    public async Task<PullResult> RefreshAsync(DicomWebQuery query, CancellationToken cancellationToken) =>
        Compare(cache.Pinned(), await ListAsync(query, cancellationToken));

    private PullResult Compare(IReadOnlyList<PacsInstance>? before, IReadOnlyList<PacsInstance> now)
    {
        var old = before ?? [];
        var oldStudies = old.Select(i => i.Study).ToHashSet(StringComparer.Ordinal);
        var newStudies = now.Select(i => i.Study).ToHashSet(StringComparer.Ordinal);
        var oldSops = old.Select(i => i.Sop).ToHashSet(StringComparer.Ordinal);
        var newSops = now.Select(i => i.Sop).ToHashSet(StringComparer.Ordinal);
        return new PullResult
        {
            Source = Name,
            Studies = newStudies.Count,
            Series = now.Select(i => i.Series).Distinct(StringComparer.Ordinal).Count(),
            Instances = now.Count,
            StudiesAdded = newStudies.Count(s => !oldStudies.Contains(s)),
            StudiesRemoved = oldStudies.Count(s => !newStudies.Contains(s)),
            InstancesAdded = newSops.Count(s => !oldSops.Contains(s)),
            InstancesRemoved = oldSops.Count(s => !newSops.Contains(s)),
            HadPin = before is not null,
        };
    }

    /// <summary>
    /// Fetches the missing instances of one series: the whole series at once when none of it is cached, else one by one.
    /// A body cut short is retried (with what arrived kept) until the series is whole or the tries run out.
    /// </summary>
    private async Task FetchSeriesAsync(string study, string series, List<PacsInstance> wanted, Dictionary<string, PacsInstance> known,
        FetchState state, CancellationToken cancellationToken)
    {
        var wholeSeries = true;
        for (var attempt = 1; ; attempt++)
        {
            var left = wanted.Where(i => !known.ContainsKey(i.Sop)).ToList();
            if (left.Count == 0) return;
            try
            {
                if (wholeSeries && attempt == 1) await RetrieveAsync($"studies/{study}/series/{series}", study, series, known, state, cancellationToken);
                else
                    foreach (var instance in left)
                        await RetrieveAsync($"studies/{study}/series/{series}/instances/{instance.Sop}", study, series, known, state, cancellationToken);
                wholeSeries = false;
                if (wanted.All(i => known.ContainsKey(i.Sop))) return;
                // The server listed instances that it did not send: asking again for each is the last try.
                if (attempt >= 2)
                    throw new DicomWebException($"{Name}: {wanted.Count(i => !known.ContainsKey(i.Sop))} instance(s) of a series the server at {client.Endpoint.Host} listed were not sent; " +
                                                "the series is not used (nothing of it is published); run the build again, or check the server", isSetup: false);
            }
            catch (Exception e) when (DicomWebClient.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                wholeSeries = false;
                if (attempt >= client.Attempts)
                    throw new DicomWebException($"{Name}: a series could not be fetched whole from {client.Endpoint.Host} after {attempt} attempts ({e.GetType().Name}); " +
                                                "what arrived is cached, the series is not used; run the build again", isSetup: false);
                await Task.Delay(client.Backoff(attempt), cancellationToken);
            }
        }
    }

    private async Task RetrieveAsync(string relative, string study, string series, Dictionary<string, PacsInstance> known, FetchState state, CancellationToken cancellationToken) =>
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
                // Not DICOM, or no SOP Instance UID: it stands for no listed instance, so its series stays incomplete.
                File.Delete(file.Path);
                return;
            }
            var instance = new PacsInstance(study, series, sop, sha256);
            cache.Add(file.Path, instance);
            var isNew = known.TryAdd(sop, instance);
            if (isNew)
            {
                state.Done++;
                state.Bytes += bytes;
                Report(state);
            }
        }, cancellationToken);

    private void Report(FetchState state) => progress?.Invoke(new PullProgress(Name, state.Done, state.Total, state.Bytes));

    private static string? Uid(JsonObject dataset, string tag) =>
        dataset[tag]?["Value"] is JsonArray { Count: > 0 } values ? values[0]?.GetValue<string>() : null;

    private sealed class FetchState(int total)
    {
        public int Total { get; } = total;
        public int Done { get; set; }
        public long Bytes { get; set; }
    }
}
