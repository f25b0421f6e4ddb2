using System.Security.Cryptography;
using System.Text;

namespace DataForge.Projects;

/// <summary>
/// How items are named outside the private zone: a short hash of the item's label (source id and path),
/// since source paths can carry patient names. The same formula as the CLI's item references.
/// </summary>
public static class ItemReferences
{
    public static string Of(string label)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("dataforge-item:" + label));
        return "#" + Convert.ToHexStringLower(hash)[..12];
    }
}
