using DataForge.Engine.Building;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Engine;

public sealed partial class BuildEngine
{
    /// <summary>state.db's meta key naming the objects folder its actions' objects are in.</summary>
    private const string ObjectsKey = "objects";

    /// <summary>The value of meta 'objects' for the project's own <c>.dataforge/objects</c>.</summary>
    private const string PrivateObjects = "private";

    /// <summary>
    /// The shared store's lock (see <see cref="SharedStore"/>), or a no-op without one; null when busy with
    /// <see cref="BuildOptions.NoWait"/>.
    /// </summary>
    private IDisposable? StoreLock(BuildOptions options, bool exclusive) => _shared is null ? NoLock.Instance
        : _shared.Lock(exclusive, options.NoWait, options.OnMessage, options.LockPollInterval, options.CancellationToken);

    /// <summary>Writes what this project holds in the shared store (after a build, release or gc), with no shared store nothing.</summary>
    private void WriteSharedRoots(StateDatabase db) => _shared?.WriteRoots(db.SharedRoots(pathObjects: ActionCache is not null));

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose() { }
    }

    /// <summary>
    /// When the objects folder changed since the last build (<c>store:</c> added, moved or removed), state.db's actions
    /// name objects that are elsewhere: they are forgotten (with the slots, memos, fingerprint and path names that lean
    /// on them), so the build runs or finds them again in the new store, and the objects the releases hold are copied
    /// there from the old folder when it is still readable. The stat cache and the output folder's records stay.
    /// </summary>
    private void AdoptStore(StateDatabase db, List<string> notices, BuildOptions options)
    {
        // The project's own folder is recorded as such, not by its absolute path: a project copied or moved with its
        // .dataforge/ still has every object its actions name.
        var now = Layout.SharedStore is null ? PrivateObjects : Layout.Objects;
        var was = db.GetMeta(ObjectsKey) ?? PrivateObjects;
        if (was == now) return;
        var known = db.HasAnyAction();
        if (known)
        {
            var released = db.ForgetObjectRecords();
            var from = new ObjectStore(_fs, was == PrivateObjects ? System.IO.Path.Combine(Layout.StateRoot, "objects") : was);
            var to = new ObjectStore(_fs, Layout.Objects);
            var copied = 0;
            foreach (var hash in released)
            {
                if (to.Contains(hash) || from.TryRead(hash) is not { } bytes || ContentHash.Of(bytes) != hash) continue;
                to.Put(bytes);
                copied++;
            }
            var notice = $"the store's objects folder changed since the last build: its actions are looked up again in the new one; "
                + $"{copied} object(s) of the releases were copied there";
            notices.Add(notice);
            options.OnMessage?.Invoke(notice);
        }
        db.SetMeta(ObjectsKey, now);
        db.Commit();
    }
}
