using System.Security.Cryptography;
using System.Text;

namespace DataForge.Cli.Output;

/// <summary>
/// How items are named outside the private zone. Source paths can carry patient names (exports are
/// often foldered by patient), so terminals, logs and JSON reports name an item by a short hash of
/// its label; the private quarantine list in .dataforge/ maps each reference back to the path.
/// </summary>
public static class ItemReference
{
    public static string Of(string label)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("dataforge-item:" + label));
        return "#" + Convert.ToHexStringLower(hash)[..12];
    }
}
