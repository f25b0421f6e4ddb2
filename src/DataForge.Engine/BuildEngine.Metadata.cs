using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Engine;

public sealed partial class BuildEngine
{
    /// <summary>
    /// The metadata objects of the current outputs of <paramref name="stageIds"/> and, with <paramref name="includeRoots"/>,
    /// every object a gc root (a release) keeps: read from state.db under the build lock, for what a project keeps beside
    /// the build (the pseudonym vault reads the sealed identities in them). Empty before the first build. Objects never
    /// change, so they can be read (<see cref="ReadObject"/>) after the lock is released.
    /// </summary>
    public IReadOnlyList<ContentHash> OutputMetadata(IEnumerable<string> stageIds, bool includeRoots, Building.BuildOptions? options = null)
    {
        options ??= new Building.BuildOptions();
        if (_database.IsFile && _fs.Stat(Layout.Database) is null) return [];
        using var held = Lock(options, out var holder) ?? throw new InvalidOperationException($"the store is locked by {holder}");
        var objects = new ObjectStore(_fs, Layout.Objects);
        using var db = OpenDatabase(options, [], objects);
        var found = new HashSet<ContentHash>();
        foreach (var stage in stageIds)
            foreach (var outputs in db.LoadOutputsOfSlots(stage).Values)
                foreach (var output in outputs) found.Add(output.Metadata);
        if (includeRoots)
            foreach (var kept in db.RootObjects()) found.Add(kept);
        return found.OrderBy(h => h.Hex, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The metadata objects of the outputs of recorded actions, by action (an action the store no longer records is
    /// absent): what the last run made of an item that would run again (<see cref="Planning.Explanation.Previous"/>),
    /// so a status can name it by pseudonym and series instead of by hash.
    /// </summary>
    public IReadOnlyDictionary<ContentHash, IReadOnlyList<ContentHash>> PreviousMetadata(IEnumerable<ContentHash> actions, Building.BuildOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(actions);
        options ??= new Building.BuildOptions();
        var result = new Dictionary<ContentHash, IReadOnlyList<ContentHash>>();
        if (_database.IsFile && _fs.Stat(Layout.Database) is null) return result;
        using var held = Lock(options, out var holder) ?? throw new InvalidOperationException($"the store is locked by {holder}");
        var objects = new ObjectStore(_fs, Layout.Objects);
        using var db = OpenDatabase(options, [], objects);
        foreach (var action in actions.Distinct())
            if (db.FindAction(action) is { } outputs) result[action] = outputs.Select(o => o.Metadata).ToList();
        return result;
    }

    /// <summary>An object's bytes, or null when the store does not hold it.</summary>
    public byte[]? ReadObject(ContentHash hash) => new ObjectStore(_fs, Layout.Objects).TryRead(hash);
}
