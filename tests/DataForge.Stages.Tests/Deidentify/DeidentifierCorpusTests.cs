using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>De-identification of real files written by other software (pydicom's test data, about 90 files).</summary>
public sealed class DeidentifierCorpusTests
{
    private static readonly Deidentifier Deid = new(
        DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic","options":["retain-longitudinal-modified-dates"]}""").RootElement),
        new KeyedIdentity("corpus-secret-0123456789abcdefghij"u8.ToArray()));

    [SkippableFact]
    public void Every_readable_file_is_de_identified_or_refused_with_a_reason_and_never_keeps_a_private_attribute()
    {
        var files = TestData.PydicomFiles();
        if (files.Count == 0) Oracle.RequirePython("pydicom");
        var done = 0;
        foreach (var path in files)
        {
            DicomFile input;
            try { input = DicomReader.ReadFile(path); }
            catch (DicomFormatException) { continue; }
            DeidResult result;
            try { result = Deid.Apply(input); }
            catch (DeidentificationException) { continue; }
            done++;
            var ds = result.File.Dataset;
            Assert.DoesNotContain(ds, a => a.Tag.IsPrivate);
            Assert.Equal("YES", ds.GetString(DicomTags.PatientIdentityRemoved));
            if (input.Dataset.Contains(DicomTags.PatientID)) Assert.Equal(result.Pseudonym, ds.GetString(DicomTags.PatientID));
            var original = input.Dataset.GetString(DicomTags.SOPInstanceUID);
            if (!string.IsNullOrEmpty(original)) Assert.NotEqual(original, ds.GetString(DicomTags.SOPInstanceUID));
            // The output is a file other readers accept: write it and read it back.
            var back = DicomReader.Read(result.File.ToBytes());
            Assert.Equal(ds.GetString(DicomTags.SOPInstanceUID), back.Meta.GetString(DicomTags.MediaStorageSOPInstanceUID));
            Assert.Null(LeakGate.Check(result.File, result.RemovedIdentifiers));
        }
        Assert.True(done >= 60, $"only {done} of {files.Count} files were de-identified");
    }

    /// <summary>Every clean-* option alone and all of them together (the pixel ones with a rule that covers every instance).</summary>
    public static TheoryData<string> CleanOptions() => new()
    {
        "clean-descriptors", "clean-structured-content", "clean-graphics", "clean-pixel-data", "clean-recognizable-visual-features",
        "clean-descriptors,clean-structured-content,clean-graphics,clean-pixel-data,clean-recognizable-visual-features",
    };

    [SkippableTheory]
    [MemberData(nameof(CleanOptions))]
    public void Every_readable_file_goes_through_every_clean_option_without_an_exception_and_passes_the_leak_gate(string options)
    {
        // pydicom's test files and character set files, and nibabel's DICOM test files.
        var files = TestData.PydicomFiles()
            .Concat(TestData.FilesUnder("/usr/lib/python3/dist-packages/pydicom/data/charset_files", "*.dcm"))
            .Concat(TestData.FilesUnder("/usr/lib/python3/dist-packages/nibabel", "*.dcm")).ToList();
        if (files.Count == 0) Oracle.RequirePython("pydicom");
        var deid = new Deidentifier(
            DeidPolicy.From(JsonDocument.Parse($$"""{"profile":"basic","options":{{JsonSerializer.Serialize(options.Split(','))}},"burned_in_regions":[{"region":[0,0,4,4]}]}""").RootElement),
            new KeyedIdentity("corpus-secret-0123456789abcdefghij"u8.ToArray()));
        var done = 0;
        foreach (var path in files)
        {
            DicomFile input;
            try { input = DicomReader.ReadFile(path); }
            catch (DicomFormatException) { continue; }
            DeidResult result;
            try { result = deid.Apply(input); }
            catch (DeidentificationException) { continue; }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"{Path.GetFileName(path)} with {options}: {e.GetType().Name}: {e.Message}"); }
            done++;
            // Written and read back; nothing the instance's own character set or the removed values would flag.
            DicomReader.Read(result.File.ToBytes());
            Assert.Null(LeakGate.Check(result.File, result.RemovedIdentifiers));
        }
        Assert.True(done >= 60, $"only {done} of {files.Count} files were de-identified");
    }
}
