using System.Security.Cryptography;
using System.Text;

namespace DataForge.Manifest.Schema;

/// <summary>
/// Remembers that a manifest passed the JSON Schema, so a no-op build need not parse the schema again:
/// <c>.dataforge/manifest.validated</c> holds one line, the hex SHA-256 of ("manifest-schema/1", schema
/// text, manifest text). The same digest means the same text against the same schema, so the same
/// verdict. Written only where <c>.dataforge/</c> exists (a build made it, private); it holds a digest,
/// never manifest text. A missing, unreadable or different stamp simply means "validate".
/// </summary>
internal sealed class ValidatedStamp
{
    private const string FileName = "manifest.validated";

    private readonly string _folder;
    private readonly string _digest;

    public ValidatedStamp(string baseDirectory, string schemaText, string manifestText)
    {
        _folder = Path.Combine(baseDirectory, ".dataforge");
        var bytes = Encoding.UTF8.GetBytes($"manifest-schema/1\0{schemaText}\0{manifestText}");
        _digest = Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>True when the last manifest that passed the schema here had exactly this text (and schema).</summary>
    public bool Matches()
    {
        try { return File.ReadAllText(Path.Combine(_folder, FileName)).Trim() == _digest; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>Records that this text passed the schema (no-op where there is no <c>.dataforge/</c> or it cannot be written).</summary>
    public void Record() => PrivateFile.Write(_folder, FileName, _digest + "\n");
}
