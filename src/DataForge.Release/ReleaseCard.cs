using System.Text;

namespace DataForge.Release;

/// <summary>
/// The dataset card of a release (<c>releases/VERSION/README.md</c>, when <c>release.card</c> is true):
/// what the dataset is, its counts, kinds and modalities, the policy, and how to check it. Made from
/// the release manifest and the manifest's description only; no dates.
/// </summary>
public static class ReleaseCard
{
    public static string Render(ReleaseManifest m, string? description)
    {
        var c = m.Counts;
        var s = new StringBuilder();
        s.Append($"# {m.Dataset} {m.Version}\n\n");
        if (!string.IsNullOrWhiteSpace(description)) s.Append(description.Trim()).Append("\n\n");
        s.Append("| | |\n|---|---|\n");
        s.Append($"| Patients | {c.Patients} |\n| Studies | {c.Studies} |\n| Series | {c.Series} |\n| Files | {c.Files} |\n| Bytes | {c.Bytes} |\n");
        s.Append($"| Source files | {m.Sources.Count} |\n| DataForge | {m.ToolVersion} |\n\n");
        s.Append("## Files by kind\n\n");
        foreach (var g in m.Files.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
            s.Append($"- {g.Key}: {g.Count()}\n");
        var modalities = m.Files.Select(f => ReleaseItem.Text(f.Item, "modality")).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (modalities.Count > 0) s.Append($"\nModalities: {string.Join(", ", modalities)}\n");
        s.Append("\n## Policy\n\n```json\n").Append(ReleaseManifestJson.Canonical(m.Policy)).Append("\n```\n");
        s.Append($"\n## Checking this release\n\n`manifest.json` pins every output file by SHA-256 and how it was made. ");
        s.Append($"With the sources and the project secret, `dataforge verify {m.Version}` rebuilds the release and compares every byte; ");
        s.Append($"`dataforge export {m.Version} DIR` writes its files from the store.\n");
        return s.ToString();
    }
}
