using System.Text.Json;

namespace DataForge.Stages.Labels;

/// <summary>
/// Landmarks from a CSV table (columns: the key, <c>name</c>, <c>x</c>, <c>y</c>, <c>z</c> in RAS+ mm,
/// or LPS when a <c>space</c> column says so) or a 3D Slicer markups file (<c>.mrk.json</c>, whose name
/// is the key; control points in its <c>coordinateSystem</c>, LPS or RAS). Positions come out in RAS+.
/// </summary>
public static class LandmarkImport
{
    /// <summary>One point as read: the original identifier, where it was read (row or point number), name and RAS+ position (NaN when unreadable).</summary>
    public sealed record RawPoint(string Key, string? Issuer, int Row, string Name, double X, double Y, double Z);

    /// <summary>Points of a landmarks CSV table.</summary>
    public static IEnumerable<RawPoint> FromTable(LabelTable table, string key)
    {
        foreach (var row in table.Rows)
        {
            var lps = row.Fields.TryGetValue("space", out var s) && s.Trim().Equals("LPS", StringComparison.OrdinalIgnoreCase);
            double x = row.NumberIn("x") ?? double.NaN, y = row.NumberIn("y") ?? double.NaN, z = row.NumberIn("z") ?? double.NaN;
            row.Fields.TryGetValue("IssuerOfPatientID", out var issuer);
            yield return new RawPoint(row.Fields.GetValueOrDefault(key, ""), issuer, row.Number,
                row.Fields.GetValueOrDefault("name", "").Trim(), lps ? -x : x, lps ? -y : y, z);
        }
    }

    /// <summary>Points of a Slicer markups file; throws <see cref="FormatException"/> when it is not one.</summary>
    public static IEnumerable<RawPoint> FromSlicer(ReadOnlySpan<byte> utf8, string key)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(utf8.ToArray()); }
        catch (JsonException e) { throw new FormatException($"not valid JSON (line {e.LineNumber + 1})"); }
        var points = new List<RawPoint>();
        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("markups", out var markups) || markups.ValueKind != JsonValueKind.Array)
                throw new FormatException("a Slicer markups file has a 'markups' array");
            foreach (var markup in markups.EnumerateArray())
            {
                var lps = !markup.TryGetProperty("coordinateSystem", out var cs) || cs.GetString() != "RAS";
                if (!markup.TryGetProperty("controlPoints", out var cps)) continue;
                foreach (var cp in cps.EnumerateArray())
                {
                    var name = cp.TryGetProperty("label", out var l) ? l.GetString() ?? "" : "";
                    double[] p = cp.TryGetProperty("position", out var pos) && pos.GetArrayLength() == 3
                        ? pos.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN).ToArray()
                        : [double.NaN, double.NaN, double.NaN];
                    points.Add(new RawPoint(key, null, points.Count + 1, name, lps ? -p[0] : p[0], lps ? -p[1] : p[1], p[2]));
                }
            }
        }
        return points;
    }
}
