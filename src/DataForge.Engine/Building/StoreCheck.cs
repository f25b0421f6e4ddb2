using DataForge.Engine.Hashing;

namespace DataForge.Engine.Building;

/// <summary>What <c>fsck</c> found (<see cref="BuildEngine.CheckStore"/>): how many objects were re-hashed, and the damaged ones.</summary>
public sealed record StoreCheck(BuildOutcome Outcome, int Checked, long Bytes, IReadOnlyList<DamagedObject> Damaged);

/// <summary>
/// A store object whose bytes no longer hash to its name, moved to <c>.dataforge/damaged/</c>: the output files
/// (output-relative paths) made from it and the gc roots (<c>release:VERSION</c>) that hold it.
/// </summary>
public sealed record DamagedObject(ContentHash Object, IReadOnlyList<string> Outputs, IReadOnlyList<string> Roots);
