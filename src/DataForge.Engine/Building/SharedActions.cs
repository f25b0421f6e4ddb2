using System.Text;
using DataForge.Engine.Hashing;
using DataForge.Engine.Planning;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// A shared action cache (<see cref="IActionCache"/>) as planning and recording use it: output paths go in and come out
/// as objects holding their UTF-8 text (so the cache holds hashes only), and a cached action is served only when every
/// object it names is in the store (another project's gc may have removed them) and its paths are paths a stage may
/// write. Recorded actions are queued from the executor's threads and written in batches, after their objects are durable.
/// </summary>
internal sealed class SharedActions(IActionCache cache, ObjectStore objects)
{
    private const int RecordsPerFlush = 256;

    private int _queued;

    /// <summary>The cache, for messages.</summary>
    public string Where => cache.Where;

    /// <summary>
    /// The actions of <paramref name="actions"/> (keys computed) that the shared cache holds and this store can serve,
    /// with their outputs, in one look-up. A non-published pass-through output is one of the action's source inputs, read
    /// where the source is (see <see cref="StageRun"/>): it need not be in the store.
    /// </summary>
    public Dictionary<ContentHash, List<OutputRecord>> Find(StageDefinition definition, IReadOnlyList<PlannedAction> actions)
    {
        var hits = new Dictionary<ContentHash, List<OutputRecord>>();
        var found = cache.Find(actions.Select(a => a.Key).ToList());
        foreach (var action in actions)
        {
            if (!found.TryGetValue(action.Key, out var outputs) || hits.ContainsKey(action.Key)) continue;
            var records = new List<OutputRecord>(outputs.Count);
            foreach (var o in outputs)
            {
                if (PathIn(o.PathObject) is not { } path || !objects.Contains(o.Metadata)) break;
                var passedThrough = !definition.Publish && action.Inputs.Any(i => i.Hash == o.Object && i.SourceFile is not null);
                if (!passedThrough && !objects.Contains(o.Object)) break;
                records.Add(new OutputRecord(path, o.Object, o.Size, o.Metadata));
            }
            if (records.Count == outputs.Count) hits[action.Key] = records;
        }
        return hits;
    }

    /// <summary>Queues an action a build recorded (called from the executor's threads); every few hundred, writes the queue.</summary>
    public void Record(ContentHash key, string stageId, IReadOnlyList<OutputRecord> outputs)
    {
        var cached = outputs.Select(o => new CachedOutput(objects.Put(Encoding.UTF8.GetBytes(o.Path)), o.Object, o.Size, o.Metadata)).ToList();
        cache.Record(key, stageId, cached);
        if (Interlocked.Increment(ref _queued) % RecordsPerFlush == 0) Flush();
    }

    /// <summary>
    /// Why actions of this build were not sent to the cache (a write it refused or could not make), or null. The build's
    /// bytes never depend on the cache: a failed write is told to the user, not a reason to stop the build.
    /// </summary>
    public string? SendProblem { get; private set; }

    /// <summary>Makes the objects written so far durable, then writes the queued actions to the cache.</summary>
    public void Flush()
    {
        try
        {
            // Durable after the batch is taken: an action queued meanwhile waits for the next flush (and its syncfs).
            cache.Flush(objects.MakeDurable);
        }
        catch (ActionCacheException e)
        {
            SendProblem ??= e.Message;
        }
    }

    /// <summary>The path an object holds, when it is there, hashes to its name and is a path a stage may write; else null.</summary>
    private string? PathIn(ContentHash pathObject)
    {
        if (objects.TryRead(pathObject) is not { } bytes || ContentHash.Of(bytes) != pathObject) return null;
        var path = Encoding.UTF8.GetString(bytes);
        return StageOutput.CheckPath(path) is null ? path : null;
    }
}
