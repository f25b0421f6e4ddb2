using System.Text.Json;

namespace DataForge.Engine.Stages;

/// <summary>What one action of a stage gets: its items in a deterministic order, its config and, for a group, the group's key.</summary>
public sealed class StageInput
{
    internal StageInput(IReadOnlyList<StageItem> items, JsonElement config, string? groupKey)
    {
        Items = items;
        Config = config;
        GroupKey = groupKey;
    }

    /// <summary>
    /// The items: one for a map action; for group and reduce, ordered by path (when the stage reads
    /// paths), then content hash, then metadata, so the order never depends on scheduling.
    /// </summary>
    public IReadOnlyList<StageItem> Items { get; }

    /// <summary>The stage's config.</summary>
    public JsonElement Config { get; }

    /// <summary>The group's metadata value as canonical JSON text (a JSON string keeps its quotes); null unless the stage groups.</summary>
    public string? GroupKey { get; }

    /// <summary>The only item of a map action.</summary>
    public StageItem Item => Items.Count == 1 ? Items[0] : throw new InvalidOperationException("only a map action has exactly one item");
}
