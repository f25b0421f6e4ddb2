using DataForge.Engine.Hashing;

namespace DataForge.Engine.Building;

/// <summary>What re-hashing a set of store objects found (<see cref="BuildEngine.CheckObjects"/>): each list sorted by hash.</summary>
public sealed record ObjectCheck(int Checked, IReadOnlyList<ContentHash> Damaged, IReadOnlyList<ContentHash> Missing)
{
    /// <summary>True when every object is there and hashes to its name.</summary>
    public bool AllIntact => Damaged.Count == 0 && Missing.Count == 0;
}
