using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>status -v names the items that would run as the last build published them (pseudonym, series, instance), never by a source identifier.</summary>
public sealed class StatusNamesTests : IDisposable
{
    private static readonly Dictionary<string, string> Secret = new() { ["DATAFORGE_SECRET"] = "status-names-secret-status-names-secret" };

    private readonly TempDirectory _dir = new("dataforge-cli-status-names");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_changed_file_is_named_by_pseudonym_series_and_instance_and_a_new_one_says_it_was_not_built()
    {
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 2, Slices = 3, Matrix = 8, Modalities = ["CT"] });
        _dir.WriteText("dataforge.yaml", """
            version: 1
            name: status-names
            secret: env:DATAFORGE_SECRET
            sources:
              - {id: scans, kind: dicom, path: raw}
            deidentify: {profile: basic}
            output: {layout: nifti}
            """);
        Assert.Equal(0, CliRunner.Run(_dir.Path, Secret, "build").ExitCode);

        // Change one instance (its description), and copy another as a new instance of a new series.
        var files = Directory.GetFiles(_dir.Combine("raw"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var changed = DicomReader.ReadFile(files[0]);
        var number = changed.Dataset.GetString(DicomTags.InstanceNumber)!.Trim();
        var original = new[] { changed.Dataset.GetString(DicomTags.PatientID)!.Trim(), changed.Dataset.GetString(DicomTags.PatientName)!.Trim(), changed.Dataset.GetString(DicomTags.SeriesInstanceUID)!.Trim() };
        changed.Dataset.Add(DicomTags.SeriesDescription, "changed");
        changed.Save(files[0]);
        var added = DicomReader.ReadFile(files[1]);
        added.Dataset.Add(DicomTags.SOPInstanceUID, added.Dataset.GetString(DicomTags.SOPInstanceUID)!.Trim() + ".9");
        added.Dataset.Add(DicomTags.SeriesInstanceUID, added.Dataset.GetString(DicomTags.SeriesInstanceUID)!.Trim() + ".9");
        added.Save(_dir.Combine("raw", "added.dcm"));

        var status = CliRunner.Run(_dir.Path, Secret, "status", "-v");
        Assert.True(status.ExitCode == 0, status.Error);
        // The changed instance's pseudonym is the folder the nifti layout published its patient under.
        var pseudonyms = Directory.GetDirectories(_dir.Combine("out", "nifti")).Select(Path.GetFileName).ToList();
        // The screening and the de-identification stage both list it.
        var lines = status.Out.Split('\n').Where(l => l.Contains("changed input", StringComparison.Ordinal) && l.Contains("instance", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line => Assert.Matches($"^  ({string.Join("|", pseudonyms)}) / series \\.\\.\\.[0-9]{{8}} / instance {number} \\(#[0-9a-f]{{12}}\\): changed input$", line));
        Assert.Contains(status.Out.Split('\n'), l => l.Contains("(not built yet): new input", StringComparison.Ordinal));
        // The volume of the changed series is named by pseudonym and series.
        Assert.Contains(status.Out.Split('\n'), l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains(" / series ...", StringComparison.Ordinal) && !l.Contains("instance", StringComparison.Ordinal) && l.EndsWith("changed input", StringComparison.Ordinal));
        Assert.All(original, o => Assert.DoesNotContain(o, status.Out + status.Error, StringComparison.Ordinal));
    }
}
