using System.Text.Json;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Labels;

/// <summary>
/// How a label's patient identifier becomes the pseudonym de-identification gave that patient: the
/// same <see cref="PseudonymFormat"/> as the deidentify stage (<c>pseudonym.format</c>, or
/// <c>pseudonym_prefix</c>), written from the patient's keyed token and, for <c>{seq:N}</c>, its number
/// in the vault's assignment table. Both are part of the label stages' action keys (<see cref="Settings"/>),
/// so a new format reruns them and the labels follow their patients to the new pseudonyms.
/// </summary>
public sealed class LabelPseudonyms
{
    private readonly SortedDictionary<string, int>? _numbers;

    /// <param name="format">The de-identification policy's pseudonym format.</param>
    /// <param name="numbers">For a <c>{seq:N}</c> format: each patient token's number (the vault's table); ignored otherwise.</param>
    public LabelPseudonyms(PseudonymFormat format, IReadOnlyDictionary<string, int>? numbers = null)
    {
        Format = format;
        _numbers = format.IsSequential ? new SortedDictionary<string, int>(numbers?.ToDictionary() ?? [], StringComparer.Ordinal) : null;
    }

    /// <summary>The pseudonyms of a manifest's <c>deidentify:</c> section (the default prefix without one).</summary>
    public static LabelPseudonyms From(DeidPolicy? deidentify, IReadOnlyDictionary<string, int>? numbers) =>
        new(deidentify?.Pseudonym ?? PseudonymFormat.FromPrefix("ANON-"), numbers);

    /// <summary>The format the pseudonyms are written in.</summary>
    public PseudonymFormat Format { get; }

    /// <summary>
    /// The pseudonym of the patient with this keyed token, or null when the format is sequential and the
    /// vault has no number for it (no de-identified instance can carry it then).
    /// </summary>
    public string? Of(string token)
    {
        if (_numbers is null) return Format.Write(token, null);
        return _numbers.TryGetValue(token, out var n) ? Format.Write(token, n) : null;
    }

    /// <summary>
    /// What goes into the action key: the format's text and, when sequential, the assignment table
    /// (keyed tokens and numbers, no identity), as the deidentify stage keys it.
    /// </summary>
    public IReadOnlyDictionary<string, object> Settings()
    {
        var settings = new Dictionary<string, object> { ["format"] = Format.Text };
        if (_numbers is not null) settings["numbers"] = _numbers;
        return settings;
    }
}
