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

    /// <summary>Structured reports: the references the content tree keeps stay listed in the evidence sequences, mapped alike.</summary>
    [SkippableTheory]
    [InlineData("")]
    [InlineData("clean-structured-content,clean-descriptors")]
    [InlineData("retain-device-identity,retain-patient-characteristics,retain-longitudinal-modified-dates")]
    public void Dciodvfy_finds_no_new_error_in_any_de_identified_structured_report_of_the_corpus(string options)
    {
        var dciodvfy = Oracle.Require("dciodvfy");
        var files = TestData.PydicomFiles();
        if (files.Count == 0) Oracle.RequirePython("pydicom");
        var config = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["profile"] = "basic",
            ["options"] = options.Split(',', StringSplitOptions.RemoveEmptyEntries),
        })).RootElement;
        var deid = new Deidentifier(DeidPolicy.From(config), new KeyedIdentity("corpus-conformance-0123456789abcdef"u8.ToArray()));
        using var dir = new TempDirectory();
        var reports = 0;
        var problems = new List<string>();
        foreach (var path in files)
        {
            DicomFile input;
            try { input = DicomReader.ReadFile(path); }
            catch (DicomFormatException) { continue; }
            if (input.Dataset.GetString(DicomTags.SOPClassUID)?.StartsWith("1.2.840.10008.5.1.4.1.1.88.", StringComparison.Ordinal) != true) continue;
            var output = dir.Combine(Path.GetFileName(path));
            deid.Apply(input).File.Save(output);
            var added = Dciodvfy.Errors(dciodvfy, output).Except(Dciodvfy.Errors(dciodvfy, path)).ToList();
            if (added.Count > 0) problems.Add($"{Path.GetFileName(path)}: {string.Join(" | ", added)}");
            reports++;
        }
        Assert.True(reports >= 3, $"only {reports} structured reports were checked");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>The Referenced SOP Instance UIDs of an SR content tree, at any depth.</summary>
    private static List<(string Class, string Instance)> References(DicomDataset ds)
    {
        var found = new List<(string, string)>();
        foreach (var attribute in ds)
        {
            if (attribute is not DicomSequence sequence) continue;
            foreach (var item in sequence.Items)
            {
                if (attribute.Tag == DicomTags.ReferencedSOPSequence && item.GetString(DicomTags.ReferencedSOPInstanceUID) is { } uid)
                    found.Add((item.GetString(DicomTags.ReferencedSOPClassUID) ?? "", uid));
                if (attribute.Tag != DicomTags.CurrentRequestedProcedureEvidenceSequence) found.AddRange(References(item));
            }
        }
        return found;
    }

    [SkippableFact]
    public void An_sr_s_evidence_sequence_lists_every_reference_its_content_tree_keeps_after_de_identification()
    {
        var dciodvfy = Oracle.Require("dciodvfy");
        var path = TestData.PydicomFiles().FirstOrDefault(f => Path.GetFileName(f) == "test-SR.dcm");
        if (path is null) Oracle.RequirePython("pydicom");
        Skip.If(path is null, "test-SR.dcm is not in this pydicom version's test files");
        // test-SR.dcm has no evidence sequence: one listing every instance its tree references is added, as PS3.3
        // C.17.2.3 requires, so dciodvfy has nothing to say about the input's references.
        var input = DicomReader.ReadFile(path!);
        var refs = References(input.Dataset);
        Assert.NotEmpty(refs);
        var series = new DicomDataset().Add(DicomTags.SeriesInstanceUID, "1.2.826.0.1.3680043.2.1125.1.8");
        series.Add(new DicomSequence(DicomTags.ReferencedSOPSequence, refs.Select(r => new DicomDataset()
            .Add(DicomTags.ReferencedSOPClassUID, r.Class).Add(DicomTags.ReferencedSOPInstanceUID, r.Instance)).ToArray()));
        var study = new DicomDataset().Add(DicomTags.StudyInstanceUID, "1.2.826.0.1.3680043.2.1125.1.7");
        study.Add(new DicomSequence(DicomTags.ReferencedSeriesSequence, series));
        input.Dataset.Add(new DicomSequence(DicomTags.CurrentRequestedProcedureEvidenceSequence, study));
        using var dir = new TempDirectory();
        var before = dir.Combine("in.dcm");
        input.Save(before);
        foreach (var options in new[] { "[]", "[\"clean-structured-content\"]", "[\"retain-device-identity\",\"retain-longitudinal-modified-dates\"]" })
        {
            var deid = new Deidentifier(DeidPolicy.From(JsonDocument.Parse($$"""{"profile":"basic","options":{{options}}}""").RootElement),
                new KeyedIdentity("corpus-conformance-0123456789abcdef"u8.ToArray()));
            var output = deid.Apply(DicomReader.ReadFile(before)).File;
            var evidence = output.Dataset.Get(DicomTags.CurrentRequestedProcedureEvidenceSequence) as DicomSequence;
            Assert.NotNull(evidence);
            var listed = evidence.Items.SelectMany(s => (s.Get(DicomTags.ReferencedSeriesSequence) as DicomSequence)?.Items ?? [])
                .SelectMany(s => (s.Get(DicomTags.ReferencedSOPSequence) as DicomSequence)?.Items ?? [])
                .Select(i => i.GetString(DicomTags.ReferencedSOPInstanceUID)).ToHashSet();
            foreach (var (_, uid) in References(output.Dataset)) Assert.Contains(uid, listed);
            var after = dir.Combine("out.dcm");
            output.Save(after);
            Assert.Empty(Dciodvfy.Errors(dciodvfy, after).Except(Dciodvfy.Errors(dciodvfy, before)));
        }
    }
}
