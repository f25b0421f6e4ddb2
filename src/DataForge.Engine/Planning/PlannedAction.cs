using DataForge.Engine.Hashing;

namespace DataForge.Engine.Planning;

/// <summary>
/// One action of a stage for this build: its slot (hash of the item, group or dataset it is for),
/// a label, its inputs in key order and, once the inputs are known, its key and key parts.
/// </summary>
internal sealed class PlannedAction
{
    private readonly string? _slot;

    private ContentHash? _slotHash;

    /// <summary>
    /// Hash naming the action's slot. A map action given none has its item's (<see cref="ActionKeys.SlotOf"/> of its
    /// identity), computed when first asked: a first build asks on its workers, a status on an empty store never.
    /// That one is kept as its digest and given as hex text when asked: a first build holds every action of a stage
    /// until the stage ends, and the text was 152 bytes each (15 MB at 100,000 items).
    /// </summary>
    public string Slot
    {
        get => _slot ?? (_slotHash ??= ActionKeys.SlotHashOf(Inputs[0].Identity)).Hex;
        init => _slot = value;
    }

    private readonly string? _label;

    /// <summary>The action's name in messages; a map action given none takes its item's label, made when asked.</summary>
    public string Label
    {
        get => _label ?? Inputs[0].Label;
        init => _label = value;
    }

    public required IReadOnlyList<Item> Inputs { get; init; }

    /// <summary>Hash of the group's metadata value (group shape only).</summary>
    public string? GroupKeyHash { get; init; }

    /// <summary>True when an input is pending (status only): no key can be computed.</summary>
    public bool Pending => Inputs.Any(i => i.Pending);

    public ContentHash Key { get; set; }

    public ContentHash InputsHash { get; set; }
}
