using System.Text.Json;
using System.Text.RegularExpressions;
using DataForge.Dicom.Formatting;
using DataForge.Dicom.IO;
using DataForge.Dicom.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Formatting;

/// <summary>The DICOM JSON model equals dcm2json's; the text dump lists the same elements as dcmdump.</summary>
public partial class FormattingOracleTests
{
    public static TheoryData<string> Files() =>
    [
        "pydicom/CT_small.dcm", "pydicom/MR_small.dcm", "pydicom/MR_small_implicit.dcm", "pydicom/rtplan.dcm",
        "pydicom/rtstruct.dcm", "pydicom/rtdose.dcm", "pydicom/test-SR.dcm", "pydicom/waveform_ecg.dcm", "pydicom/priv_SQ.dcm",
        "pydicom/nested_priv_SQ.dcm", "pydicom/reportsi.dcm", "pydicom/image_dfl.dcm", "pydicom/dicomdirtests/DICOMDIR",
        "pydicom/SC_rgb_rle.dcm", "pydicom/JPEG2000.dcm", "pydicom/ExplVR_BigEnd.dcm", "pydicom/SC_rgb_dcmtk_+eb+cr.dcm",
    ];

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void The_DICOM_JSON_model_equals_dcm2json(string name)
    {
        var dcm2json = Oracle.Require("dcm2json");
        var path = OracleFiles.Resolve(name);
        Skip.IfNot(File.Exists(path), "not shipped in this version of the package");
        var expected = Oracle.Run(dcm2json, ["-fc", path]);
        Skip.If(expected.StandardError.Contains("not supported for compressed pixel data", StringComparison.Ordinal),
            "dcm2json writes no JSON for compressed pixel data");
        Assert.True(expected.ExitCode == 0, expected.StandardError);
        var ours = DicomJsonWriter.ToJson(DicomReader.ReadFile(path).Dataset, indented: false);
        var differences = new List<string>();
        Compare(JsonDocument.Parse(expected.StandardOutput).RootElement, JsonDocument.Parse(ours).RootElement, "", differences);
        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(20)));
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void The_text_dump_lists_the_same_tags_and_VRs_as_dcmdump(string name)
    {
        var dcmdump = Oracle.Require("dcmdump");
        var path = OracleFiles.Resolve(name);
        Skip.IfNot(File.Exists(path), "not shipped in this version of the package");
        var expected = Oracle.Run(dcmdump, ["-q", path]);
        var writer = new StringWriter();
        DicomTextDump.Write(writer, DicomReader.ReadFile(path));
        Assert.Equal(TagsAndVRs(expected.StandardOutput), TagsAndVRs(writer.ToString()));
    }

    /// <summary>"(gggg,eeee) VR" of every element line, items and delimiters left out.</summary>
    private static List<string> TagsAndVRs(string dump) =>
        dump.Split('\n').Select(l => ElementLine().Match(l)).Where(m => m.Success && !m.Groups[1].Value.StartsWith("(fffe", StringComparison.Ordinal))
            .Select(m => m.Groups[1].Value + " " + DcmtkVR(m.Groups[2].Value)).ToList();

    /// <summary>dcmdump prints "??" for an unknown VR (UN) and "up" for DICOMDIR offsets (UL).</summary>
    private static string DcmtkVR(string vr) => vr switch { "??" => "UN", "up" => "UL", _ => vr };

    [GeneratedRegex(@"^\s*(\([0-9a-f]{4},[0-9a-f]{4}\)) ([A-Z]{2}|na|pi|up|\?\?) ")]
    private static partial Regex ElementLine();

    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        if (expected.ValueKind == JsonValueKind.Number && actual.ValueKind == JsonValueKind.Number)
        {
            // dcm2json prints floats with about 6 significant digits; DataForge writes them exactly.
            if (Math.Abs(expected.GetDouble() - actual.GetDouble()) > 1e-6 * Math.Max(1, Math.Abs(expected.GetDouble())))
                differences.Add($"{path}: {actual} but dcm2json writes {expected}");
            return;
        }
        if (expected.ValueKind != actual.ValueKind)
        {
            differences.Add($"{path}: {actual.ValueKind} but dcm2json writes {expected.ValueKind}");
            return;
        }
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var keys = expected.EnumerateObject().Select(p => p.Name).ToList();
                var ours = actual.EnumerateObject().Select(p => p.Name).ToList();
                if (!keys.SequenceEqual(ours))
                {
                    differences.Add($"{path}: keys [{string.Join(",", ours.Except(keys))}] extra, [{string.Join(",", keys.Except(ours))}] missing");
                    return;
                }
                foreach (var k in keys) Compare(expected.GetProperty(k), actual.GetProperty(k), path + "/" + k, differences);
                break;
            case JsonValueKind.Array:
                var a = expected.EnumerateArray().ToList();
                var b = actual.EnumerateArray().ToList();
                if (a.Count != b.Count) differences.Add($"{path}: {b.Count} values but dcm2json writes {a.Count}");
                else for (var i = 0; i < a.Count; i++) Compare(a[i], b[i], $"{path}[{i}]", differences);
                break;
            default:
                if (expected.ToString() != actual.ToString()) differences.Add($"{path}: '{Cut(actual.ToString())}' but dcm2json writes '{Cut(expected.ToString())}'");
                break;
        }
    }

    private static string Cut(string s) => s.Length > 60 ? s[..60] + "..." : s;
}
