using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Release.Card;

/// <summary>The card's curation and de-identification sections: the policy the release recorded, in words, and what curation left out (counts).</summary>
public static class CardPolicy
{
    private static readonly Dictionary<string, string> Checks = new(StringComparer.Ordinal)
    {
        ["duplicates"] = "byte-identical files, duplicate SOP Instance UIDs and re-exported pixel data",
        ["series_integrity"] = "missing slices, uneven spacing and mixed orientation within a series",
        ["conformance"] = "required attributes and valid values (VR, VM)",
        ["protocol"] = "the acquisition protocol the manifest expects",
        ["image_quality"] = "image quality checks",
        ["links"] = "labels that name no image",
        ["consent"] = "withdrawn consent",
        ["retention"] = "retention periods",
    };

    private static readonly Dictionary<string, string> Verdicts = new(StringComparer.Ordinal)
    {
        ["not-dicom"] = "not DICOM",
        ["media-storage-directory"] = "DICOMDIR (media index, never published)",
        ["unreadable"] = "damaged or unreadable DICOM",
    };

    /// <summary>What curation checked and left out: the checks asked, the source files left out by verdict, and the curation report's counts when the store holds it.</summary>
    public static CardSection Curation(ReleaseManifest m, Func<string, byte[]?>? readObject)
    {
        var blocks = new List<CardBlock>();
        if (m.Policy["curate"] is JsonObject curate && curate.Count > 0)
            blocks.Add(new CardList(curate.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c =>
                $"{c.Key}: {Checks.GetValueOrDefault(c.Key, c.Key)}; on failure: {OnFail(c.Value)}").ToList()));
        else blocks.Add(new CardParagraph("The manifest asks for no curation checks (dataforge.yaml: curate)."));

        var left = m.Excluded.GroupBy(e => e.Verdict, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)[Verdicts.GetValueOrDefault(g.Key, g.Key), CardContent.N(g.Count())]).ToList();
        blocks.Add(left.Count == 0
            ? new CardParagraph("No source file was left out before curation (every file read was DICOM and readable).")
            : new CardTable("left-out", "Source files left out before curation, by reason", ["reason", "files"], left));

        var report = m.Files.FirstOrDefault(f => f.Path == "curation.json");
        if (report is null) return new CardSection("curation", "Curation", blocks);
        if (Parse(readObject?.Invoke(report.Sha256)) is not { } root)
        {
            blocks.Add(new CardParagraph("The curation report (curation.json) is not in this project's store, so its counts are not shown; 'dataforge export' writes it."));
            return new CardSection("curation", "Curation", blocks);
        }
        blocks.Add(new CardParagraph($"Curation read {Num(root, "items")} items: {Num(root, "kept")} kept, {Num(root, "excluded")} excluded, {Num(root, "errors")} failed an error check (curation.json, curation.md)."));
        if (root["checks"] is JsonArray checks)
            blocks.Add(new CardTable("curation-checks", "Curation checks: items found, and what was done", ["check", "on failure", "items", "warned", "excluded", "errors"],
                checks.OfType<JsonObject>().Select(c => (IReadOnlyList<string>)
                    [ReleaseItem.Text(c, "check") ?? "", ReleaseItem.Text(c, "on_fail") ?? "", Num(c, "items"), Num(c, "warn"), Num(c, "exclude"), Num(c, "error")]).ToList()));
        return new CardSection("curation", "Curation", blocks);
    }

    /// <summary>The de-identification policy in words, from the release's policy section.</summary>
    public static CardSection Deidentification(ReleaseManifest m)
    {
        if (m.Policy["deidentify"] is not JsonObject d)
            return new CardSection("deidentification", "De-identification",
                [new CardParagraph("The manifest has no deidentify section: DataForge did not de-identify these files. Do not share them outside the institution that holds the originals.")]);
        var lines = new List<string>();
        var profile = ReleaseItem.Text(d, "profile") ?? "basic";
        lines.Add(profile == "basic"
            ? "Profile: DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile (identifying attributes removed or replaced, UIDs remapped)."
            : $"Profile: {profile}.");
        if (d["options"] is JsonArray options && options.Count > 0)
            lines.Add("Profile options (PS3.15 Table E.1-1): " + string.Join(", ", options.Select(o => o?.ToString()).OfType<string>()) + ".");
        else lines.Add("Profile options: none (dates, descriptions, device and institution details are treated as the Basic Profile says).");
        lines.Add(ReleaseItem.Text(d, "mode") == "anonymise"
            ? "Mode: anonymise; no re-identification vault is kept, so no one can map a pseudonym back to a patient."
            : "Mode: pseudonymise; pseudonyms are keyed with the project secret, and an encrypted vault (kept out of the release) lets the secret's holder map a pseudonym back to a patient.");
        var format = d["pseudonym"]?["format"] is JsonValue f ? f.ToString() : ReleaseItem.Text(d, "pseudonym_prefix") is { } prefix ? prefix + "{hash:10}" : null;
        if (format is not null) lines.Add($"Pseudonyms: of the form {format}.");
        lines.Add("UIDs: study, series and instance UIDs are replaced by new ones derived with the project secret, the same for the same original in every release.");
        lines.Add(d["max_date_shift_days"] is JsonValue shift
            ? $"Dates: shifted per patient by up to {shift} days (intervals within a patient are kept)."
            : "Dates: handled as the profile and its options say.");
        if (d["overrides"] is JsonArray overrides && overrides.Count > 0)
            lines.Add("Overrides: " + string.Join("; ", overrides.OfType<JsonObject>().Select(o => string.Join(", ", o.Select(p => $"{p.Key} {Scalar(p.Value)}")))) + ".");
        if (d["burned_in_regions"] is JsonArray regions && regions.Count > 0)
            lines.Add($"Burned-in text: {regions.Count} pixel region rule(s) are blanked.");
        if (d["visual_features"] is JsonObject)
            lines.Add("Recognisable visual features: instances and head volumes that can show a face are handled as visual_features says (DataForge does not deface).");
        lines.Add("Leak gate: the build fails when any identifier seen in the inputs appears in any output byte.");
        return new CardSection("deidentification", "De-identification", [new CardList(lines)]);
    }

    private static string OnFail(JsonNode? check) => (check as JsonObject)?["on_fail"]?.ToString() switch
    {
        "exclude" => "the item is excluded",
        "warn" => "the item is kept with a warning",
        "error" => "the build fails",
        { } other => other,
        null => "the default",
    };

    private static string Num(JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : "-";

    private static string Scalar(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString() ?? "";

    private static JsonObject? Parse(byte[]? bytes)
    {
        if (bytes is null) return null;
        try { return JsonNode.Parse(bytes) as JsonObject; }
        catch (JsonException) { return null; }
    }
}
