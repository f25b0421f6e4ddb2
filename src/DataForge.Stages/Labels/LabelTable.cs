using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DataForge.Stages.Labels;

/// <summary>
/// Rows of a label table: CSV (RFC 4180: header row, comma separated, double-quoted fields with ""
/// escapes, UTF-8 with or without BOM) or JSON (an array of objects, or an object from key to value
/// which becomes rows of <c>key</c> and <c>value</c>). Row numbers count from 1 for the first data row.
/// </summary>
public sealed record LabelTable(IReadOnlyList<string> Columns, IReadOnlyList<LabelRow> Rows)
{
    /// <summary>The column name JSON maps use for their values.</summary>
    public const string ValueColumn = "value";

    /// <summary>Parses CSV; throws <see cref="FormatException"/> with the line on a malformed file.</summary>
    public static LabelTable ParseCsv(ReadOnlySpan<byte> utf8)
    {
        var text = Encoding.UTF8.GetString(utf8).TrimStart('\uFEFF');
        var records = Records(text);
        if (records.Count == 0) throw new FormatException("the table is empty: it needs a header row");
        var header = records[0].Fields.Select(h => h.Trim()).ToList();
        var rows = new List<LabelRow>();
        for (var i = 1; i < records.Count; i++)
        {
            var (line, fields) = records[i];
            if (fields.Count == 1 && fields[0].Length == 0) continue;
            if (fields.Count != header.Count)
                throw new FormatException($"line {line} has {fields.Count} fields; the header has {header.Count}");
            rows.Add(new LabelRow(i, header.Zip(fields).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal)));
        }
        return new LabelTable(header, rows);
    }

    /// <summary>Parses JSON; throws <see cref="FormatException"/> when it is neither shape.</summary>
    public static LabelTable ParseJson(ReadOnlySpan<byte> utf8, string key)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(utf8.ToArray()); }
        catch (JsonException e) { throw new FormatException($"not valid JSON (line {e.LineNumber + 1})"); }
        using (doc)
        {
            var rows = new List<LabelRow>();
            var columns = new SortedSet<string>(StringComparer.Ordinal);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                    rows.Add(new LabelRow(rows.Count + 1, new Dictionary<string, string>(StringComparer.Ordinal) { [key] = p.Name, [ValueColumn] = Scalar(p.Value) }));
                return new LabelTable([key, ValueColumn], rows);
            }
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new FormatException("a JSON label table is an array of objects or an object of key to value");
            foreach (var element in doc.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object) throw new FormatException($"item {rows.Count + 1} is not an object");
                var fields = element.EnumerateObject().ToDictionary(p => p.Name, p => Scalar(p.Value), StringComparer.Ordinal);
                columns.UnionWith(fields.Keys);
                rows.Add(new LabelRow(rows.Count + 1, fields));
            }
            return new LabelTable(columns.ToList(), rows);
        }
    }

    private static string Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "",
        _ => throw new FormatException("label values are strings, numbers or booleans"),
    };

    private static List<(int Line, List<string> Fields)> Records(string text)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, start = 1;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else { if (c == '\n') line++; field.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: quoted = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString()); field.Clear();
                    records.Add((start, fields)); fields = [];
                    start = ++line;
                    break;
                default: field.Append(c); break;
            }
        }
        if (quoted) throw new FormatException($"line {start}: a quoted field is not closed");
        if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); records.Add((start, fields)); }
        return records;
    }
}

/// <summary>One data row: its number and its fields by column.</summary>
public sealed record LabelRow(int Number, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>A field as a finite double, or null.</summary>
    public double? NumberIn(string column) =>
        Fields.TryGetValue(column, out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;
}
