using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// The re-identification table, <c>.dataforge/vault.bin</c> (mode 0600): per patient its keyed token,
/// pseudonym, sequential number (for <c>{seq:N}</c> formats), issuer and patient ID, and every name and
/// birth date seen. Encrypted with AES-256-GCM under HKDF(secret, "vault/v1"); written whole, to a
/// temporary file that is fsynced and renamed, with a fresh random nonce each time.
/// <code>
/// 0   8  magic "DFVAULT\n"
/// 8   1  format version (1)
/// 9   8  key check: HMAC-SHA256(vault key, "key check")[0..8], to tell a wrong secret from damage
/// 17 12  nonce
/// 29  n  ciphertext of UTF-8 JSON {"patients":[{token, pseudonym, seq?, issuer, patient_id, names, birth_dates}]}
/// end 16 GCM tag; associated data: bytes 0..29
/// </code>
/// </summary>
public sealed class PseudonymVault
{
    /// <summary>File name under the state folder.</summary>
    public const string FileName = "vault.bin";

    private const byte FormatVersion = 1;
    private const int HeaderLength = 29;
    private static readonly byte[] Magic = "DFVAULT\n"u8.ToArray();

    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>One patient.</summary>
    public sealed record Entry(string Token, string Pseudonym, int? Seq, string Issuer, string PatientId,
        IReadOnlyList<string> Names, IReadOnlyList<string> BirthDates);

    /// <summary>Patients by token.</summary>
    public IEnumerable<Entry> Entries => _entries.Values;

    /// <summary>The patient with a pseudonym, if any.</summary>
    public Entry? FindByPseudonym(string pseudonym) => _entries.Values.FirstOrDefault(e => e.Pseudonym == pseudonym);

    /// <summary>The patient with a token, if any.</summary>
    public Entry? FindByToken(string token) => _entries.GetValueOrDefault(token);

    /// <summary>The largest sequential number given so far (0 when none).</summary>
    public int LastSeq => _entries.Values.Max(e => e.Seq) ?? 0;

    /// <summary>
    /// Adds what an instance says about its patient. A new patient is added; a known one keeps its
    /// number and gains any new name or birth date; its pseudonym follows the current format.
    /// Returns true when the vault changed.
    /// </summary>
    public bool Add(PatientIdentity identity, string pseudonym, int? seq = null)
    {
        if (!_entries.TryGetValue(identity.Token, out var known))
        {
            _entries[identity.Token] = new Entry(identity.Token, pseudonym, seq, identity.Issuer, identity.PatientId,
                Set([], identity.Name), Set([], identity.BirthDate));
            return true;
        }
        var updated = known with
        {
            Pseudonym = pseudonym,
            Seq = known.Seq ?? seq,
            Names = Set(known.Names, identity.Name),
            BirthDates = Set(known.BirthDates, identity.BirthDate),
        };
        if (updated.Pseudonym == known.Pseudonym && updated.Seq == known.Seq
            && updated.Names.SequenceEqual(known.Names) && updated.BirthDates.SequenceEqual(known.BirthDates)) return false;
        _entries[identity.Token] = updated;
        return true;
    }

    private static List<string> Set(IReadOnlyList<string> values, string value) =>
        value.Length == 0 || values.Contains(value, StringComparer.Ordinal) ? values.ToList() : values.Append(value).Order(StringComparer.Ordinal).ToList();

    /// <summary>Reads the vault; null when there is none. Throws <see cref="VaultException"/> for a wrong secret, damage or an unknown version.</summary>
    public static PseudonymVault? Load(string path, KeyedIdentity keys)
    {
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderLength + 16 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new VaultException($"{FileName} is not a DataForge vault (truncated or overwritten); restore it from your backup");
        if (bytes[8] != FormatVersion)
            throw new VaultException($"{FileName} has format version {bytes[8]}, which this DataForge does not read; use the version that wrote it");
        var key = keys.DeriveKey("vault/v1");
        if (!bytes.AsSpan(9, 8).SequenceEqual(KeyCheck(key)))
            throw new VaultException($"the project secret does not open {FileName}: it was written under another secret; use the secret it was built with");
        var plain = new byte[bytes.Length - HeaderLength - 16];
        try
        {
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(bytes.AsSpan(17, 12), bytes.AsSpan(HeaderLength, plain.Length), bytes.AsSpan(bytes.Length - 16), plain, bytes.AsSpan(0, HeaderLength));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new VaultException($"{FileName} fails its integrity check: it was altered or damaged; restore it from your backup");
        }
        var vault = new PseudonymVault();
        try
        {
            foreach (var p in JsonNode.Parse(plain)!["patients"]!.AsArray())
            {
                var entry = new Entry(Str(p, "token"), Str(p, "pseudonym"), p!["seq"]?.GetValue<int>(), Str(p, "issuer"), Str(p, "patient_id"),
                    p!["names"]!.AsArray().Select(n => n!.GetValue<string>()).ToList(),
                    p["birth_dates"]!.AsArray().Select(n => n!.GetValue<string>()).ToList());
                vault._entries[entry.Token] = entry;
            }
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new VaultException($"{FileName} decrypts but its table is malformed; restore it from your backup");
        }
        return vault;
    }

    private static string Str(JsonNode? node, string name) => node![name]!.GetValue<string>();

    /// <summary>Writes the vault atomically (temporary file, fsync, rename), mode 0600, under a fresh nonce.</summary>
    public void Save(string path, KeyedIdentity keys)
    {
        var patients = new JsonArray();
        foreach (var e in _entries.Values)
        {
            var p = new JsonObject { ["token"] = e.Token, ["pseudonym"] = e.Pseudonym };
            if (e.Seq is { } seq) p["seq"] = seq;
            p["issuer"] = e.Issuer;
            p["patient_id"] = e.PatientId;
            p["names"] = new JsonArray(e.Names.Select(n => (JsonNode)n).ToArray());
            p["birth_dates"] = new JsonArray(e.BirthDates.Select(n => (JsonNode)n).ToArray());
            patients.Add(p);
        }
        var plain = Encoding.UTF8.GetBytes(new JsonObject { ["patients"] = patients }.ToJsonString());
        var key = keys.DeriveKey("vault/v1");
        var bytes = new byte[HeaderLength + plain.Length + 16];
        Magic.CopyTo(bytes, 0);
        bytes[8] = FormatVersion;
        KeyCheck(key).CopyTo(bytes, 9);
        RandomNumberGenerator.Fill(bytes.AsSpan(17, 12));
        using (var aes = new AesGcm(key, 16))
            aes.Encrypt(bytes.AsSpan(17, 12), plain, bytes.AsSpan(HeaderLength, plain.Length), bytes.AsSpan(bytes.Length - 16), bytes.AsSpan(0, HeaderLength));
        CryptographicOperations.ZeroMemory(plain);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }

    private static byte[] KeyCheck(byte[] key) => HMACSHA256.HashData(key, "key check"u8).AsSpan(0, 8).ToArray();
}

/// <summary>The vault cannot be read or written; the message says why and what to do, and holds no identity.</summary>
public sealed class VaultException(string message) : Exception(message);
