using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DataForge.Stages.Splits;

/// <summary>
/// Stable patient-level splits. A patient's draw is HMAC-SHA256(secret, "split" ‖ seed ‖ stratum ‖
/// pseudonym) read as a number in [0, 1); the split is the one whose cumulative ratio interval holds
/// it. The pseudonym is itself HMAC(secret, patient), so the split is a function of the secret, the
/// patient, the seed and (when stratified) the patient's stratum only: adding or removing other
/// patients never moves a patient. Ratios hold in expectation in every stratum (each stratum draws
/// independently); exact counts are traded for that stability. A fold, when asked for, is a second
/// independent draw cut into equal parts.
/// </summary>
public sealed class SplitAssigner
{
    private readonly byte[] _secret;
    private readonly SplitPolicy _policy;

    public SplitAssigner(byte[] secret, SplitPolicy policy)
    {
        if (secret.Length < 16) throw new ArgumentException("the project secret must have at least 16 bytes", nameof(secret));
        _secret = secret.ToArray();
        _policy = policy;
    }

    /// <summary>The split (and fold) of one patient, given its pseudonym and its stratum (null when not stratified or unlabelled).</summary>
    public SplitAssignment Assign(string pseudonym, string? stratum)
    {
        var u = Draw("split", stratum, pseudonym);
        var split = _policy.Ratios.Where(r => r.Ratio > 0).Last().Name;
        var cumulative = 0.0;
        foreach (var (name, ratio) in _policy.Ratios)
        {
            cumulative += ratio;
            if (ratio > 0 && u < cumulative) { split = name; break; }
        }
        int? fold = null;
        if (_policy.Folds is { } k && split != SplitPolicy.TestSplit)
            fold = Math.Min(k - 1, (int)(Draw("fold", stratum, pseudonym) * k));
        return new SplitAssignment(pseudonym, split, fold, stratum);
    }

    /// <summary>Assigns every patient; the result is ordered by pseudonym.</summary>
    public IReadOnlyList<SplitAssignment> AssignAll(IEnumerable<(string Pseudonym, string? Stratum)> patients) =>
        patients.DistinctBy(p => p.Pseudonym)
            .OrderBy(p => p.Pseudonym, StringComparer.Ordinal)
            .Select(p => Assign(p.Pseudonym, p.Stratum))
            .ToList();

    private double Draw(string domain, string? stratum, string pseudonym)
    {
        var message = string.Join('\0', domain, _policy.Seed, stratum ?? "", pseudonym);
        var mac = HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(message));
        // 53 bits: every value is exactly representable as a double in [0, 1).
        return (BinaryPrimitives.ReadUInt64BigEndian(mac) >> 11) * (1.0 / (1UL << 53));
    }
}

/// <summary>One patient's place: split, fold (null outside folds) and stratum.</summary>
public sealed record SplitAssignment(string Pseudonym, string Split, int? Fold, string? Stratum);
