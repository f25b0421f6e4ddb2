using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Everything derived from the project secret: new UIDs, pseudonyms, date offsets and keyed hashes.
/// Each is HMAC-SHA256(secret, domain + value), so the same original maps to the same replacement in
/// every file and every run, and nothing can be mapped back without the secret.
/// </summary>
public sealed class KeyedIdentity
{
    private readonly byte[] _secret;

    public KeyedIdentity(byte[] secret)
    {
        if (secret.Length < 16) throw new ArgumentException("the project secret must have at least 16 bytes", nameof(secret));
        _secret = secret.ToArray();
        Fingerprint = Convert.ToHexStringLower(Mac("fingerprint", ""))[..16];
    }

    /// <summary>A public fingerprint of the secret, put into action keys so a new secret rebuilds everything.</summary>
    public string Fingerprint { get; }

    /// <summary>PS3.5 B.2: a UID under the 2.25 root from the first 128 bits of the HMAC of the original UID.</summary>
    public string Uid(string original)
    {
        var mac = Mac("uid", original.Trim());
        return "2.25." + new BigInteger(mac.AsSpan(0, 16), isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A patient's pseudonym: the prefix and ten base-32 characters.</summary>
    public string Pseudonym(string patientKey, string prefix) => prefix + PatientToken(patientKey)[..10];

    /// <summary>A patient's keyed token: 26 base-32 characters of HMAC(secret, patient key); pseudonyms are written from it.</summary>
    public string PatientToken(string patientKey) => Base32(Mac("patient", patientKey))[..26];

    /// <summary>A patient's date shift in days, in [-max, -1] ∪ [1, max] (never zero, so no date survives by chance).</summary>
    public int DateOffsetDays(string patientKey, int max)
    {
        if (max <= 0) return 0;
        var n = (int)(BitConverter.ToUInt32(Mac("date", patientKey), 0) % (uint)(2 * max));
        return n < max ? -(n + 1) : n - max + 1;
    }

    /// <summary>
    /// A 256-bit key for one purpose (the vault, sealed identities), by HKDF-SHA256 (RFC 5869) from the
    /// secret with the purpose as its info label, so no two uses share a key and none is the secret itself.
    /// </summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, 32, salt: null, info: Encoding.UTF8.GetBytes("dataforge/" + purpose));

    /// <summary>
    /// A study's accession number as a keyed token (26 base-32 characters), kept in the private stage
    /// metadata so that a label table keyed by AccessionNumber finds the de-identified study.
    /// </summary>
    public string AccessionToken(string accessionNumber) => Base32(Mac("accession", accessionNumber.Trim()))[..26];

    /// <summary>A keyed hash of a value (override action <c>hash</c>): base-32, at most <paramref name="length"/> characters.</summary>
    public string Hash(string value, int length) => Base32(Mac("value", value))[..Math.Min(length, 32)];

    private byte[] Mac(string domain, string value) =>
        HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(domain + "\0" + value));

    private static string Base32(byte[] bytes)
    {
        const string alphabet = "ABCDEFGHJKMNPQRSTVWXYZ0123456789";
        var sb = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return sb.ToString();
    }
}
