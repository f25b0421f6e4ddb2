using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.Dictionary;
using DataForge.Dicom.IO;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>
/// What de-identification must not destroy: over pydicom's and nibabel's DICOM test files, the standard attributes that
/// Table E.1-1 does not list (names, dates, times and UIDs aside) keep their values, at least 99 of 100, with the
/// device identity option keeping the scanner's model and software versions.
/// </summary>
public sealed class UtilityTests
{
    private static IReadOnlyList<string> Corpus() => TestData.PydicomFiles()
        .Concat(TestData.FilesUnder("/usr/lib/python3/dist-packages/nibabel", "*.dcm")).ToList();

    private static readonly HashSet<string> Aside = new(StringComparer.Ordinal) { "PN", "DA", "DT", "TM", "UI", "SQ" };

    [SkippableFact]
    public void At_least_99_percent_of_the_non_identifying_standard_values_of_the_test_files_survive()
    {
        var files = Corpus();
        if (files.Count == 0) Oracle.RequirePython("pydicom");
        var deid = new Deidentifier(DeidPolicy.From(JsonDocument.Parse(
                """{"profile":"basic","options":["retain-device-identity","retain-patient-characteristics"]}""").RootElement),
            new KeyedIdentity("utility-secret-0123456789abcdefghij"u8.ToArray()));
        var total = 0;
        var changed = new Dictionary<string, int>(StringComparer.Ordinal);
        var modelKept = 0;
        var models = 0;
        foreach (var path in files)
        {
            DicomFile input;
            try { input = DicomReader.ReadFile(path); }
            catch (DicomFormatException) { continue; }
            DeidResult result;
            try { result = deid.Apply(input); }
            catch (DeidentificationException) { continue; }
            var output = result.File.Dataset;
            foreach (var attribute in input.Dataset)
            {
                if (attribute is not DicomElement { Length: > 0 } element || element.Tag.IsPrivate || element.Tag.Group <= 0x0002) continue;
                if (ConfidentialityProfile.Find(element.Tag) is not null || DicomDictionary.Standard.Find(element.Tag) is not { } entry) continue;
                // An implicit-VR value the reader could not type (UN) is judged by the dictionary's VR.
                if (Aside.Contains(element.VR == DicomVR.UN ? entry.VR.Code : element.VR.Code)) continue;
                // Overlay and curve groups are graphics, whose cleaning is another option.
                if (element.Tag.Group is >= 0x5000 and <= 0x60FF) continue;
                total++;
                var kept = output.Get(element.Tag) is DicomElement after && after.Data.Span.SequenceEqual(element.Data.Span);
                if (!kept) changed[entry.Keyword] = changed.GetValueOrDefault(entry.Keyword) + 1;
                if (element.Tag == DicomTags.ManufacturerModelName || element.Tag == DicomTags.SoftwareVersions)
                {
                    models++;
                    if (kept) modelKept++;
                }
            }
        }
        var lost = changed.Values.Sum();
        var survived = (double)(total - lost) / total;
        Assert.True(total >= 1000, $"only {total} values were compared");
        Assert.True(survived >= 0.99, $"{total - lost} of {total} values survived ({survived:P1}); changed: " +
            string.Join(", ", changed.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}")));
        Assert.True(models > 0 && modelKept == models, $"{models - modelKept} of {models} model names and software versions changed under retain-device-identity");

    }

    [Fact]
    public void Without_retain_device_identity_the_model_and_software_versions_are_replaced_and_no_free_text_is_allow_listed()
    {
        var ds = new DicomDataset().Add(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.4").Add(DicomTags.SOPInstanceUID, "1.2.826.0.1.3680043.2.1125.5")
            .Add(DicomTags.ManufacturerModelName, "Scanmaster 3000").Add(DicomTags.SoftwareVersions, "VB17A").Add(DicomTags.ImagedNucleus, "1H");
        var input = DicomFile.Create(ds, "1.2.840.10008.5.1.4.1.1.4", "1.2.826.0.1.3680043.2.1125.5");
        var keys = new KeyedIdentity("utility-secret-0123456789abcdefghij"u8.ToArray());
        var plain = new Deidentifier(DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic"}""").RootElement), keys).Apply(input).File.Dataset;
        Assert.NotEqual("Scanmaster 3000", plain.GetString(DicomTags.ManufacturerModelName));
        Assert.NotEqual("VB17A", plain.GetString(DicomTags.SoftwareVersions));
        Assert.Equal("1H", plain.GetString(DicomTags.ImagedNucleus));
        var device = new Deidentifier(DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic","options":["retain-device-identity"]}""").RootElement), keys)
            .Apply(input).File.Dataset;
        Assert.Equal("Scanmaster 3000", device.GetString(DicomTags.ManufacturerModelName));
        Assert.Equal("VB17A", device.GetString(DicomTags.SoftwareVersions));
        // The allow-lists hold no description, comment, label, name or identifier.
        Assert.DoesNotContain(SafeAttributes.SafeTextAttributes, k =>
            k.Contains("Description", StringComparison.Ordinal) || k.Contains("Comment", StringComparison.Ordinal) || k.Contains("Label", StringComparison.Ordinal)
            || (k.EndsWith("Name", StringComparison.Ordinal) && k.Contains("Coil", StringComparison.Ordinal) is false && k.Contains("Sequence", StringComparison.Ordinal) is false)
            || k.EndsWith("ID", StringComparison.Ordinal));
    }
}
