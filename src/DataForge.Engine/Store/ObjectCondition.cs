namespace DataForge.Engine.Store;

/// <summary>What re-hashing a store object found.</summary>
public enum ObjectCondition
{
    /// <summary>There, and its bytes hash to its name.</summary>
    Intact,

    /// <summary>There, but its bytes hash to something else.</summary>
    Damaged,

    /// <summary>Not in the store.</summary>
    Missing,
}
