using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>
/// An action cache that several projects and machines share (Bazel's remote action cache): action key -> the
/// action's outputs, each as the object holding its path (the path's UTF-8 text, stored in the shared store), its
/// content object, size and metadata object. It holds hashes and stage ids only, never a path or content; the objects
/// it names live in the store and may have been collected since, so a caller serves a hit only when every object is
/// there. state.db stays the record of this machine's files; this is asked when state.db does not know a key, and
/// told every action a build records. Safe to call from several threads. Throws <see cref="ActionCacheException"/>
/// when the cache cannot be reached or refuses (its message names the server and database only).
/// </summary>
public interface IActionCache : IDisposable
{
    /// <summary>The cache for messages (e.g. <c>postgres HOST/DATABASE</c>), naming no user or password.</summary>
    string Where { get; }

    /// <summary>Connects and checks the schema (creating it in an empty database); a second call does nothing.</summary>
    void Open();

    /// <summary>The recorded actions among <paramref name="keys"/>, with their outputs in order (one round trip per batch of keys).</summary>
    IReadOnlyDictionary<ContentHash, IReadOnlyList<CachedOutput>> Find(IReadOnlyCollection<ContentHash> keys);

    /// <summary>Queues an action to record (its objects durable in the store); written at the next <see cref="Flush"/>.</summary>
    void Record(ContentHash key, string stageId, IReadOnlyList<CachedOutput> outputs);

    /// <summary>
    /// Writes the queued actions, in one transaction; an action already recorded (by anyone) is kept as it is.
    /// <paramref name="beforeWrite"/> runs once the batch is taken and before it is written: the store makes its objects
    /// durable then, so no action queued while it ran is sent before its objects are on the disk.
    /// </summary>
    void Flush(Action? beforeWrite = null);
}
