using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>
/// Over pydicom's whole test corpus: de-identification with the options that rewrite the most (pixel
/// cleaning, safe private attributes kept, structured content and graphics cleaned) adds no dciodvfy error.
/// </summary>
public sealed class CorpusConformanceTests
{
    [SkippableTheory]
    [InlineData("clean-pixel-data")]
    [InlineData("retain-safe-private")]
    [InlineData("clean-structured-content,clean-graphics,clean-descriptors,retain-longitudinal-modified-dates")]
    public void Dciodvfy_finds_no_new_error_in_any_de_identified_file_of_the_corpus(string options)
    {
        var dciodvfy = Oracle.Require("dciodvfy");
        var files = TestData.PydicomFiles();
        if (files.Count == 0) Oracle.RequirePython("pydicom");
        var config = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["profile"] = "basic",
            ["options"] = options.Split(','),
            ["burned_in_regions"] = new[] { new { region = new[] { 0, 0, 8, 4 } } },
        })).RootElement;
        var deid = new Deidentifier(DeidPolicy.From(config), new KeyedIdentity("corpus-conformance-0123456789abcdef"u8.ToArray()));
        var pixels = PixelCleaner.From(config);
        using var dir = new TempDirectory();
        var checkedFiles = 0;
        var problems = new List<string>();
        foreach (var path in files)
        {
            DicomFile input;
            try { input = DicomReader.ReadFile(path); }
            catch (DicomFormatException) { continue; }
            if (options.Contains("clean-pixel-data", StringComparison.Ordinal))
            {
                if (input.Dataset.Get(DicomTags.PixelData) is null) continue;
                var copy = DicomReader.ReadFile(path);
                if (PixelCleaner.Blank(copy, pixels.Matching(copy.Dataset)) is not null) continue;
                input = copy;
            }
            DeidResult result;
            try { result = deid.Apply(input); }
            catch (DeidentificationException) { continue; }
            // An input dciodvfy cannot read, or whose IOD it cannot find (no SOP Class UID in the dataset), was
            // never checked against its modules: every module error of the output would look new.
            var before = Oracle.Run(dciodvfy, ["-new", path]);
            if ((before.StandardOutput + before.StandardError) is var text
                && (text.Contains("Information Object Not found", StringComparison.Ordinal) || text.Contains("read failed", StringComparison.Ordinal))) continue;
            var output = dir.Combine(Path.GetFileName(path));
            result.File.Save(output);
            var added = Dciodvfy.Errors(dciodvfy, output).Except(Dciodvfy.Errors(dciodvfy, path)).ToList();
            if (added.Count > 0) problems.Add($"{Path.GetFileName(path)}: {string.Join(" | ", added)}");
            checkedFiles++;
        }
        Assert.True(checkedFiles >= 20, $"only {checkedFiles} files were checked");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
