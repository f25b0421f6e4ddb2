using System.Text;
using System.Text.Json.Nodes;
using DataForge.Release.Changes;

namespace DataForge.Release;

/// <summary>Renders a <see cref="ReleaseDiff"/> as JSON for tools, Markdown for reviewers, or plain text.</summary>
public static class ReleaseDiffFormat
{
    /// <summary>How many paths Markdown and text list per section (JSON lists all).</summary>
    public const int ListLimit = 20;

    public static JsonObject ToJson(ReleaseDiff d) => new()
    {
        ["from"] = d.From,
        ["to"] = d.To,
        ["identical"] = d.Identical,
        ["files"] = new JsonObject
        {
            ["added"] = Strings(d.Added),
            ["removed"] = Strings(d.Removed),
            ["changed"] = new JsonArray(d.Changed.Select((c, i) => (JsonNode)Changed(c, d.Reasons[i])).ToArray()),
            ["unchanged"] = d.Unchanged,
            ["unexplained"] = d.Unexplained,
        },
        ["patients"] = new JsonObject { ["added"] = Strings(d.PatientsAdded), ["removed"] = Strings(d.PatientsRemoved) },
        ["series"] = new JsonObject { ["added"] = Strings(d.SeriesAdded), ["removed"] = Strings(d.SeriesRemoved) },
        ["attribute_changes"] = Counts(d.AttributeChanges),
        ["content_changes"] = new JsonArray(d.ContentChanges.Select(c => (JsonNode)new JsonObject
        {
            ["kind"] = c.Kind, ["subject"] = c.Subject, ["change"] = c.How, ["files"] = c.Files, ["policy"] = Strings(c.Policy),
        }).ToArray()),
        ["geometry_changes"] = new JsonArray(d.GeometryChanges.Select(g => (JsonNode)new JsonObject
        {
            ["series"] = g.Series, ["attribute"] = g.Attribute, ["before"] = g.Before, ["after"] = g.After, ["files"] = g.Files,
        }).ToArray()),
        ["labels"] = new JsonObject { ["before"] = Counts(d.LabelsBefore), ["after"] = Counts(d.LabelsAfter) },
        ["split_moves"] = new JsonArray(d.SplitMoves.Select(m => (JsonNode)new JsonObject
        {
            ["patient"] = m.Patient, ["before"] = m.Before, ["after"] = m.After,
        }).ToArray()),
        ["policy_changes"] = Values(d.PolicyChanges),
        ["tool_changes"] = Values(d.ToolChanges),
        ["warnings"] = Strings(d.Warnings),
    };

    /// <summary>Markdown (<paramref name="markdown"/>) or the same content as plain text.</summary>
    public static string ToText(ReleaseDiff d, bool markdown)
    {
        var s = new StringBuilder();
        void Heading(string text) => s.Append(markdown ? $"\n## {text}\n\n" : $"\n{text}:\n");
        void Item(string text) => s.Append(markdown ? $"- {text}\n" : $"  {text}\n");
        void List(string label, IReadOnlyList<string> values)
        {
            if (values.Count == 0) return;
            Item($"{label} ({values.Count}):");
            foreach (var v in values.Take(ListLimit)) s.Append(markdown ? $"  - `{v}`\n" : $"    {v}\n");
            if (values.Count > ListLimit) s.Append(markdown ? $"  - … and {values.Count - ListLimit} more\n" : $"    ... and {values.Count - ListLimit} more\n");
        }

        s.Append(markdown ? $"# Release diff: {d.From} → {d.To}\n" : $"diff {d.From} -> {d.To}\n");
        foreach (var w in d.Warnings) s.Append(markdown ? $"\n> **Warning:** {w}\n" : $"warning: {w}\n");
        Heading("Files");
        Item($"{d.Added.Count} added, {d.Removed.Count} removed, {d.Changed.Count} changed, {d.Unchanged} unchanged");
        List("added", d.Added);
        List("removed", d.Removed);
        List("changed", d.Changed.Select(c => c.Before == c.After ? c.After : $"{c.Before} -> {c.After}").ToList());
        Heading("Patients and series");
        Item($"patients: {d.PatientsAdded.Count} added, {d.PatientsRemoved.Count} removed");
        List("patients added", d.PatientsAdded);
        List("patients removed", d.PatientsRemoved);
        Item($"series: {d.SeriesAdded.Count} added, {d.SeriesRemoved.Count} removed");
        List("series added", d.SeriesAdded);
        List("series removed", d.SeriesRemoved);
        if (d.ContentChanges.Count + d.Unexplained > 0)
        {
            Heading("Why files changed (read from the files; names only, no values)");
            foreach (var c in d.ContentChanges)
                Item($"{KindName(c.Kind)} {c.Subject}: {c.How} ({Files(c.Files)}{(c.Policy.Count > 0 ? "; policy: " + string.Join(", ", c.Policy) : "")})");
            if (d.Unexplained > 0) Item($"not explained: {Files(d.Unexplained)} whose bytes are not in this project's store (diff reads them from .dataforge/objects)");
        }
        if (d.AttributeChanges.Count > 0)
        {
            Heading("Attributes changed (files)");
            foreach (var (name, count) in d.AttributeChanges) Item($"{name}: {count}");
        }
        if (d.GeometryChanges.Count > 0)
        {
            Heading("Geometry");
            foreach (var g in d.GeometryChanges) Item($"series {g.Series}: {g.Attribute} {g.Before ?? "(none)"} -> {g.After ?? "(none)"} ({g.Files} files)");
        }
        if (d.LabelsBefore.Count + d.LabelsAfter.Count > 0)
        {
            Heading("Labels (files)");
            foreach (var name in d.LabelsBefore.Keys.Union(d.LabelsAfter.Keys).Order(StringComparer.Ordinal))
                Item($"{name}: {d.LabelsBefore.GetValueOrDefault(name)} -> {d.LabelsAfter.GetValueOrDefault(name)}");
        }
        if (d.SplitMoves.Count > 0)
        {
            Heading("Split membership");
            foreach (var m in d.SplitMoves) Item($"patient {m.Patient}: {m.Before} -> {m.After}");
        }
        if (d.PolicyChanges.Count + d.ToolChanges.Count > 0)
        {
            Heading("Policy and configuration");
            foreach (var c in d.PolicyChanges.Concat(d.ToolChanges)) Item($"{c.Path}: {c.Before ?? "(absent)"} -> {c.After ?? "(absent)"}");
        }
        return s.ToString();
    }

    private static JsonObject Changed((string Before, string After) change, IReadOnlyList<ContentChange>? why)
    {
        var o = new JsonObject { ["before"] = change.Before, ["after"] = change.After };
        if (why is not null) o["why"] = Strings(why.Select(c => c.ToString()));
        return o;
    }

    private static string KindName(string kind) => kind switch
    {
        ContentChangeKinds.Dicom => "DICOM",
        ContentChangeKinds.Nifti => "NIfTI",
        ContentChangeKinds.Png => "PNG",
        ContentChangeKinds.Json => "JSON member",
        _ => "file",
    };

    private static string Files(int n) => n == 1 ? "1 file" : $"{n} files";

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static JsonObject Counts(IReadOnlyDictionary<string, int> counts)
    {
        var o = new JsonObject();
        foreach (var (k, v) in counts.OrderBy(p => p.Key, StringComparer.Ordinal)) o[k] = v;
        return o;
    }

    private static JsonArray Values(IEnumerable<ValueChange> changes) => new(changes.Select(c => (JsonNode)new JsonObject
    {
        ["path"] = c.Path, ["before"] = c.Before, ["after"] = c.After,
    }).ToArray());
}
