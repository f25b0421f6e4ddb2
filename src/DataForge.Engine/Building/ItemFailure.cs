namespace DataForge.Engine.Building;

/// <summary>An item that failed: its stage, the item (source-relative path or short hash) and the reason. No content, no PHI.</summary>
public sealed record ItemFailure(string StageId, string Item, string Reason)
{
    public override string ToString() => $"{StageId}: {Item}: {Reason}";
}
