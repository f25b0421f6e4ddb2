using System.Security.Cryptography;
using System.Text;

namespace DataForge.Engine.Building;

/// <summary>
/// How an item is named outside the private zone. An item's label (<c>stage: source:path</c>) holds its source path,
/// and exports are often foldered by patient name and MRN, so messages, reports and JSON name an item by a short hash
/// of its label instead; the private quarantine list in <c>.dataforge/</c> maps each reference back to the path.
/// </summary>
public static class ItemLabel
{
    /// <summary>The item's public reference: <c>#</c> and the first 12 hex digits of SHA-256("dataforge-item:" + label).</summary>
    public static string Reference(string label)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("dataforge-item:" + label));
        return "#" + Convert.ToHexStringLower(hash)[..12];
    }
}
