using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// Store objects re-hashed during one build (or fsck), and the damaged ones found: each is moved out of the store
/// into <c>.dataforge/damaged/</c>, the output files made from it are marked unfinished and the no-op fingerprint is
/// dropped, so the next planning finds the object missing and runs its action again. A damaged object is never
/// published: an output is made only from an object this process wrote or has just re-hashed.
/// </summary>
internal sealed class DamagedObjects(StateDatabase db, ObjectStore objects, StoreLayout layout)
{
    private readonly Dictionary<ContentHash, ObjectCondition> _checked = [];

    /// <summary>Damaged objects moved aside, in the order found.</summary>
    public List<ContentHash> Found { get; } = [];

    /// <summary>True when the object was re-hashed in this run and is intact.</summary>
    public bool Verified(ContentHash hash) => _checked.TryGetValue(hash, out var c) && c == ObjectCondition.Intact;

    /// <summary>True when the object was found damaged (and moved aside) in this run.</summary>
    public bool IsDamaged(ContentHash hash) => _checked.TryGetValue(hash, out var c) && c == ObjectCondition.Damaged;

    /// <summary>Records that the object's bytes were just checked and hash to its name.</summary>
    public void MarkIntact(ContentHash hash) => _checked[hash] = ObjectCondition.Intact;

    /// <summary>Re-hashes an object (once per run); a damaged one is moved aside.</summary>
    public ObjectCondition Check(ContentHash hash)
    {
        if (_checked.TryGetValue(hash, out var known)) return known;
        var condition = objects.Check(hash);
        if (condition == ObjectCondition.Damaged) MoveAside(hash);
        return _checked[hash] = condition;
    }

    /// <summary>Moves a damaged object out of the store and makes the build forget what it published from it.</summary>
    public void MoveAside(ContentHash hash)
    {
        if (Found.Contains(hash)) return;
        objects.MoveAside(hash, layout.Damaged);
        _checked[hash] = ObjectCondition.Damaged;
        Found.Add(hash);
        db.ForgetActionsMaking(hash);
        foreach (var (path, row) in db.LoadMaterialised())
            if (row.Object == hash && row.Done) db.PutMaterialised(path, row with { Done = false });
        db.DeleteMeta(BuildFingerprint.Key);
        db.Commit();
    }
}
