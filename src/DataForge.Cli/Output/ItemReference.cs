using DataForge.Engine.Building;

namespace DataForge.Cli.Output;

/// <summary>
/// How items are named outside the private zone: by a short hash of the label (see <see cref="ItemLabel"/>, which the
/// engine's own messages use too); the private quarantine list in .dataforge/ maps each reference back to the path.
/// </summary>
public static class ItemReference
{
    /// <summary>The item's public reference.</summary>
    public static string Of(string label) => ItemLabel.Reference(label);
}
