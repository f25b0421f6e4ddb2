using System.Text.Json.Serialization;

namespace DataForge.Stages.Curate;

/// <summary>
/// One failed curation check on one item: the check's name and a reason that names no patient data
/// (attribute names, counts and measured values only). <see cref="KeepsOneCopy"/> marks identical copies
/// of a file, which are always collapsed to one: the policy then only says whether that is an error.
/// </summary>
public sealed record Finding(
    [property: JsonPropertyName("check")] string Check,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("keeps_one_copy")] bool KeepsOneCopy = false);
