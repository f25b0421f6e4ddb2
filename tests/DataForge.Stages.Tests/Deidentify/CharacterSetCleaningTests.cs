using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>
/// pydicom's charset_files (Japanese, Korean, Chinese, Hebrew, Arabic, Greek, Russian, multi-valued sets, items with
/// their own set), given descriptions, SR text and graphic text in their own script that quote the patient's name
/// and ID (written by pydicom), go through every clean-* option: cleaned text is written in the file's own
/// character set (ISO 2022 escape sequences included), text it cannot hold re-encodes the instance as ISO_IR 192,
/// and pydicom decodes every value of every output.
/// </summary>
public sealed class CharacterSetCleaningTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-charsets");

    public void Dispose() => _dir.Dispose();

    private sealed record Variant(string File, string Path, string[] Terms, string Local, string Name, string Id);

    private static readonly string[][] OptionSets =
    [
        ["clean-descriptors"], ["clean-structured-content"], ["clean-graphics"], ["clean-pixel-data"], ["clean-recognizable-visual-features"],
        ["clean-descriptors", "clean-structured-content", "clean-graphics", "clean-pixel-data", "clean-recognizable-visual-features"],
    ];

    private static string Oracle(string script) => Path.Combine(AppContext.BaseDirectory, "Oracles", script);

    private List<Variant> Variants()
    {
        var python = Testing.Oracle.RequirePython("pydicom");
        var run = Testing.Oracle.Run(python, [Oracle("charset_variants.py"), _dir.Combine("in")]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        var variants = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<Variant>(line, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!).ToList();
        Assert.True(variants.Count >= 15, $"only {variants.Count} charset files");
        return variants;
    }

    private static Deidentifier Deid(string[] options, string overrides = "[]") => new(
        DeidPolicy.From(JsonDocument.Parse($$"""{"profile":"basic","options":{{JsonSerializer.Serialize(options)}},"overrides":{{overrides}}}""").RootElement),
        new KeyedIdentity("charset-secret-0123456789abcdefghij"u8.ToArray()));

    /// <summary>De-identifies every variant under a policy (an exception fails the test) and returns pydicom's reading of each output.</summary>
    private Dictionary<string, JsonElement> Run(List<Variant> variants, Deidentifier deid, string folder)
    {
        var outputs = new List<(string File, string Path)>();
        foreach (var v in variants)
        {
            var result = deid.Apply(DicomReader.ReadFile(v.Path));
            Assert.Null(LeakGate.Check(result.File, result.RemovedIdentifiers));
            var path = _dir.Combine(folder, v.File);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, result.File.ToBytes());
            outputs.Add((v.File, path));
        }
        var read = Testing.Oracle.Run(Testing.Oracle.DebianPython, [Oracle("read_text.py"), .. outputs.Select(o => o.Path)]);
        Assert.True(read.ExitCode == 0, $"pydicom cannot decode an output under {folder}: {read.StandardError}");
        var lines = read.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(outputs.Count, lines.Length);
        return outputs.Select((o, i) => (o.File, JsonDocument.Parse(lines[i]).RootElement.Clone())).ToDictionary(p => p.File, p => p.Item2);
    }

    private static string? Value(JsonElement read, string keyword) => read.TryGetProperty(keyword, out var v) ? v.GetString() : null;

    private static string[] Terms(JsonElement read) => read.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!).ToArray();

    [SkippableFact]
    public void Every_clean_option_writes_cleaned_text_in_the_files_own_character_set_and_pydicom_decodes_it()
    {
        var variants = Variants();
        foreach (var options in OptionSets)
        {
            var outputs = Run(variants, Deid(options), string.Join('+', options));
            foreach (var v in variants)
            {
                var read = outputs[v.File];
                var where = $"{v.File} with {string.Join(", ", options)}";
                Assert.True(v.Terms.SequenceEqual(Terms(read)), $"{where}: the character set changed to {string.Join('\\', Terms(read))}");
                foreach (var text in read.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!))
                {
                    Assert.False(text.Contains(v.Name, StringComparison.OrdinalIgnoreCase), $"{where}: the patient's name is still in a value");
                    Assert.False(text.Contains(v.Id, StringComparison.OrdinalIgnoreCase), $"{where}: the Patient ID is still in a value");
                }
                if (options.Contains("clean-descriptors"))
                {
                    Assert.Equal($"{v.Local} XXXX", Value(read, "StudyDescription"));
                    Assert.Equal(v.Local, Value(read, "SeriesDescription"));
                    Assert.Equal($"{v.Local}\r\nXXXX XXXX", Value(read, "ImageComments"));
                }
                if (options.Contains("clean-structured-content")) Assert.Equal($"{v.Local} XXXX", Value(read, "TextValue"));
                if (options.Contains("clean-graphics")) Assert.Equal($"{v.Local} XXXX", Value(read, "UnformattedTextValue"));
            }
        }
    }

    [SkippableFact]
    public void Text_the_files_character_set_cannot_hold_re_encodes_the_whole_instance_as_ISO_IR_192()
    {
        var variants = Variants();
        const string replacement = "Étude 頭部 흉부 θώρακας";
        var deid = Deid(OptionSets[^1], $$"""[{"tag":"StudyDescription","action":"replace","value":"{{replacement}}"}]""");
        var outputs = Run(variants, deid, "replaced");
        foreach (var v in variants)
        {
            var read = outputs[v.File];
            // GB18030 holds every Unicode character: only the other sets give way to ISO_IR 192.
            var expected = v.Terms.SequenceEqual(["GB18030"]) ? "GB18030" : "ISO_IR 192";
            Assert.Equal([expected], Terms(read));
            Assert.Equal(replacement, Value(read, "StudyDescription"));
            // Every other value was converted, not left in the old encoding under the new term.
            Assert.Equal(v.Local, Value(read, "SeriesDescription"));
            Assert.Equal($"{v.Local}\r\nXXXX XXXX", Value(read, "ImageComments"));
            Assert.Equal($"{v.Local} XXXX", Value(read, "TextValue"));
            Assert.Equal($"{v.Local} XXXX", Value(read, "UnformattedTextValue"));
        }
        var japanese = deid.Apply(DicomReader.ReadFile(variants.Single(v => v.File == "chrH31.dcm").Path));
        Assert.Equal(1, japanese.Counts["SpecificCharacterSet"]["re-encoded as ISO_IR 192"]);
    }
}
