using System.Text.Json;

namespace DataForge.Imaging.Tests.Oracles;

/// <summary>One image as nibabel reads it (see nibabel_oracle.py dump).</summary>
public sealed record NibabelImage(
    string Path,
    string Class,
    int[] Shape,
    string Dtype,
    string Endianness,
    double[,] Affine,
    double[,]? Qform,
    int? QformCode,
    double[,]? Sform,
    int? SformCode,
    double Slope,
    double Inter,
    double[] Zooms,
    int? XyztUnits,
    long? VoxOffset,
    string? Descrip,
    double[]? Raw,
    double[]? Real)
{
    public static NibabelImage Load(string path, string json, string? rawPath, string? realPath)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        double[,]? Matrix(string name)
        {
            if (!r.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            var m = new double[4, 4];
            for (var i = 0; i < 4; i++)
                for (var j = 0; j < 4; j++)
                    m[i, j] = e[i][j].GetDouble();
            return m;
        }
        int? Int(string name) => r.TryGetProperty(name, out var e) ? e.GetInt32() : null;
        var hasData = r.GetProperty("has_data").GetBoolean();
        return new NibabelImage(
            path,
            r.GetProperty("class").GetString()!,
            r.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            r.GetProperty("dtype").GetString()!,
            r.GetProperty("endianness").GetString()!,
            Matrix("affine")!,
            Matrix("qform"),
            Int("qform_code"),
            Matrix("sform"),
            Int("sform_code"),
            r.GetProperty("slope").GetDouble(),
            r.GetProperty("inter").GetDouble(),
            r.GetProperty("zooms").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            Int("xyzt_units"),
            r.TryGetProperty("vox_offset", out var vo) ? vo.GetInt64() : null,
            r.TryGetProperty("descrip", out var d) ? d.GetString() : null,
            hasData && rawPath is not null ? Doubles(rawPath) : null,
            hasData && realPath is not null ? Doubles(realPath) : null);
    }

    private static double[] Doubles(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new double[bytes.Length / 8];
        for (var i = 0; i < values.Length; i++)
            values[i] = BitConverter.ToDouble(bytes, i * 8);
        return values;
    }
}
