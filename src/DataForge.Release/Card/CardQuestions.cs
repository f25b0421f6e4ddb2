using System.Text.Json.Nodes;

namespace DataForge.Release.Card;

/// <summary>
/// The Datasheet ("Datasheets for Datasets", Gebru et al.) and Healthsheet (Rostamzadeh et al., FAccT 2022)
/// questions the card asks. DataForge answers those it can compute from the release; the authors answer the
/// rest in <c>release.card.text</c> (YAML: question id to text), and an unanswered one is shown as an open
/// question for the authors. An author's answer to a computed question is shown after the computed one.
/// </summary>
public static class CardQuestions
{
    /// <summary>A question: its id (the key in the answers file), its Datasheet/Healthsheet section, and the text.</summary>
    public sealed record Entry(string Id, string Section, string Question);

    /// <summary>Every question, in the order the card shows them.</summary>
    public static IReadOnlyList<Entry> All { get; } =
    [
        new("purpose", "Motivation", "For what purpose was the dataset created, and what task or gap does it address?"),
        new("creators", "Motivation", "Who created the dataset, on behalf of which institution, and who funded it?"),
        new("instances", "Composition", "What do the instances represent, and how many are there?"),
        new("population", "Composition", "Which patient population does the dataset represent (age, sex, ethnicity, conditions), and how was it sampled?"),
        new("labels", "Composition", "Is there a label or target for each instance, and who made it?"),
        new("splits", "Composition", "Are there recommended data splits?"),
        new("missing", "Composition", "Is any information missing from instances, or were instances left out, and why?"),
        new("confidential", "Composition", "Does the dataset contain data that might be considered confidential, and how is it protected?"),
        new("collection", "Collection", "How, where and over what period were the images acquired (sites, scanners, protocols)?"),
        new("consent", "Collection", "Did patients consent to this use, and was an ethics review (IRB) carried out?"),
        new("preprocessing", "Preprocessing", "What preprocessing, cleaning or harmonisation was done?"),
        new("labelling", "Preprocessing", "How were labels made and checked (annotators, tools, agreement)?"),
        new("uses", "Uses", "What tasks has the dataset been used for, and which uses should be avoided?"),
        new("bias", "Uses", "Is there anything about the composition or collection that could lead to unfair or unsafe results?"),
        new("distribution", "Distribution", "How is the dataset distributed, and under which licence and data use agreement?"),
        new("maintenance", "Maintenance", "Who maintains the dataset, how are errors reported, and will it be updated?"),
        new("reproduction", "Maintenance", "How can a reader check that they hold exactly this dataset?"),
    ];

    /// <summary>The question ids (what an answers file may use).</summary>
    public static IReadOnlyList<string> Ids { get; } = All.Select(e => e.Id).ToList();

    /// <summary>The card's questions section, computed answers filled in, the authors' answers added.</summary>
    public static CardSection Section(ReleaseManifest m, IReadOnlyList<CardSeries> series, string? description, IReadOnlyDictionary<string, string> answers)
    {
        var blocks = new List<CardBlock>
        {
            new CardParagraph("Questions from Datasheets for Datasets and Healthsheet. DataForge answers those it can compute from the release; " +
                "the authors answer the others in the file that release.card.text names (YAML: question id: answer)."),
        };
        foreach (var entry in All)
        {
            var computed = Computed(entry.Id, m, series, description);
            var given = answers.TryGetValue(entry.Id, out var a) && !string.IsNullOrWhiteSpace(a) ? a.Trim() : null;
            var answer = (computed, given) switch
            {
                (null, null) => null,
                ({ } c, null) => c,
                (null, { } g) => g,
                ({ } c, { } g) => c + "\n\n" + g,
            };
            blocks.Add(new CardQuestion(entry.Id, $"{entry.Section}: {entry.Question}", answer, computed is not null));
        }
        return new CardSection("datasheet", "Datasheet", blocks);
    }

    private static string? Computed(string id, ReleaseManifest m, IReadOnlyList<CardSeries> series, string? description)
    {
        var c = m.Counts;
        switch (id)
        {
            case "purpose":
                return string.IsNullOrWhiteSpace(description) ? null : "From the manifest's description: " + description.Trim();
            case "instances":
                var modalities = CardContent.Distinct(series.Select(s => s.Modality));
                return $"De-identified medical images: {c.Patients} patients, {c.Studies} studies, {c.Series} series ({(modalities.Count == 0 ? "modality not recorded" : string.Join(", ", modalities))}), "
                    + $"{c.Files} files. See Composition.";
            case "labels":
                if (m.Policy["labels"] is not JsonObject labels) return "No labels are part of this release.";
                var annotations = labels["annotations"] is JsonArray a ? a.OfType<JsonObject>().Select(x => $"{ReleaseItem.Text(x, "name")} ({ReleaseItem.Text(x, "kind")})").ToList() : [];
                return annotations.Count == 0 ? "The manifest declares label classes; see Labels." : "Annotations: " + string.Join(", ", annotations) + ". See Labels for counts per split.";
            case "splits":
                if (m.Policy["splits"] is not JsonObject) return "No; the release has no splits.";
                return "Yes: patient-level splits, each fixed by the patient and the seed, so a patient keeps its split across releases. See Split balance.";
            case "missing":
                return m.Excluded.Count == 0 && m.Policy["curate"] is null
                    ? "No source file was left out and no curation check was asked."
                    : $"{m.Excluded.Count} source files were left out before curation; curation checks excluded items as the Curation section counts.";
            case "confidential":
                return m.Policy["deidentify"] is null
                    ? "The release was not de-identified by DataForge; treat it as confidential."
                    : "The files were de-identified (see De-identification); the release names patients only by pseudonym and holds no original identifier, path or date of birth.";
            case "preprocessing":
                var steps = m.Policy["harmonise"] is JsonArray h ? h.OfType<JsonObject>().Select(s => s.Select(p => p.Key).FirstOrDefault()).OfType<string>().ToList() : [];
                var layout = m.Policy["output"]?["layout"]?.ToString() ?? "dicom";
                return (steps.Count == 0 ? "No harmonisation step." : "Harmonisation steps, in order: " + string.Join(", ", steps) + ".")
                    + $" Output layout: {layout}. Every step is recorded with its version in manifest.json (policy.stages).";
            case "reproduction":
                return $"manifest.json pins every file by SHA-256; 'dataforge verify {m.Version}' rebuilds the release from its sources and compares every byte.";
            default:
                return null;
        }
    }
}
