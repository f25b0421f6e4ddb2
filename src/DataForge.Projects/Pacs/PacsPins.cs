using System.Collections.Concurrent;
using DataForge.Engine.Hashing;

namespace DataForge.Projects.Pacs;

/// <summary>
/// The pins of a project's DICOMweb sources, each read once (<see cref="PacsCache.ReadPin"/>) when first needed and
/// then shared: by the pipeline's filters (read when the index first asks, so a pipeline that never indexes, a cluster
/// worker's, never reads them), the build's report of the series it left out, <c>status</c> and <c>release</c>.
/// <see cref="Forget"/> after a pull, which writes new pins.
/// </summary>
public sealed class PacsPins(PrivateZone zone)
{
    private readonly ConcurrentDictionary<string, Lazy<PinState>> _states = new(StringComparer.Ordinal);

    /// <summary>The pin of source <paramref name="sourceId"/>, read on the first call.</summary>
    public PinState Of(string sourceId) =>
        _states.GetOrAdd(sourceId, id => new Lazy<PinState>(() => PacsSources.CacheOf(zone, id).ReadPin())).Value;

    /// <summary>Source id -> the build's filter over its cache (<see cref="PinState.Reads"/>); the pin is read when the filter first runs.</summary>
    public Func<string, ContentHash, bool> Filter(string sourceId) => (path, _) => Of(sourceId).Reads(Path.GetFileNameWithoutExtension(path));

    /// <summary>Drops what was read: the next use reads the pins again (after a pull).</summary>
    public void Forget() => _states.Clear();
}
