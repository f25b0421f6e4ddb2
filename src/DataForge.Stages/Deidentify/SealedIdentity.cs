using System.Security.Cryptography;
using System.Text.Json;

namespace DataForge.Stages.Deidentify;

/// <summary>A patient's original identity as the vault keeps it, with the keyed token that links it to its pseudonym.</summary>
public sealed record PatientIdentity(string Token, string Issuer, string PatientId, string Name, string BirthDate);

/// <summary>
/// The original identity of an instance's patient, sealed so that it can travel in the deidentify
/// stage's metadata (private object store) to the vault writer without any later stage being able to
/// read it. AES-256-GCM under the key HKDF(secret, "seal/v1"), with a synthetic nonce (the first 96 bits
/// of HMAC-SHA256 of the plaintext under the same key): a pure stage may not draw random numbers, and
/// the same identity must seal to the same bytes so that the stage's output is deterministic. Equal
/// identities give equal seals (that is all it reveals, and only to someone who can read the store).
/// Layout: base64(nonce 12 | ciphertext | tag 16).
/// </summary>
public static class SealedIdentity
{
    private const string Purpose = "seal/v1";

    /// <summary>Seals an identity.</summary>
    public static string Seal(KeyedIdentity keys, PatientIdentity identity)
    {
        var key = keys.DeriveKey(Purpose);
        var plain = JsonSerializer.SerializeToUtf8Bytes(new[] { identity.Token, identity.Issuer, identity.PatientId, identity.Name, identity.BirthDate });
        var nonce = HMACSHA256.HashData(key, plain).AsSpan(0, 12).ToArray();
        var sealedBytes = new byte[12 + plain.Length + 16];
        nonce.CopyTo(sealedBytes, 0);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(12, plain.Length), sealedBytes.AsSpan(12 + plain.Length, 16));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>
    /// The sealed identity and pseudonym an output's metadata object carries (de-identified instances and NIfTI-source
    /// volumes do), or null for any other object: not JSON, not an object, or without both members.
    /// </summary>
    public static (string Seal, string Pseudonym)? Find(byte[] metadata)
    {
        if (metadata.Length == 0 || metadata[0] != (byte)'{') return null;
        try
        {
            using var document = JsonDocument.Parse(metadata);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                   && root.TryGetProperty(DeidentifyStage.SealedIdentityProperty, out var seal) && seal.ValueKind == JsonValueKind.String
                   && root.TryGetProperty("pseudonym", out var pseudonym) && pseudonym.ValueKind == JsonValueKind.String
                ? (seal.GetString()!, pseudonym.GetString()!)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Opens a seal; throws <see cref="CryptographicException"/> when it was made under another secret or altered.</summary>
    public static PatientIdentity Open(KeyedIdentity keys, string seal)
    {
        byte[] bytes;
        try { bytes = Convert.FromBase64String(seal); }
        catch (FormatException) { throw new CryptographicException("a sealed identity is not base64"); }
        if (bytes.Length < 28) throw new CryptographicException("a sealed identity is too short");
        var plain = new byte[bytes.Length - 28];
        using var aes = new AesGcm(keys.DeriveKey(Purpose), 16);
        aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(12, plain.Length), bytes.AsSpan(12 + plain.Length), plain);
        var fields = JsonSerializer.Deserialize<string[]>(plain);
        if (fields is not { Length: 5 }) throw new CryptographicException("a sealed identity has the wrong shape");
        return new PatientIdentity(fields[0], fields[1], fields[2], fields[3], fields[4]);
    }
}
