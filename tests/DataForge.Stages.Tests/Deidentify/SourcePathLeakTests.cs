using System.Text;
using System.Text.Json;
using DataForge.Dicom;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Manifest;
using DataForge.Stages.Deidentify;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>
/// The leak gate looks for what a file's path says about its patient (real exports are foldered by name and MRN)
/// and for Referenced File ID components, through every pipeline shape that reaches de-identification.
/// </summary>
public sealed class SourcePathLeakTests : IDisposable
{
    private static readonly byte[] Secret = "test-secret-0123456789abcdef-xyz"u8.ToArray();
    private const string FolderMrn = "MRN55501234";
    private const string PatientFolder = "QUIXOTE_ZEBULON_" + FolderMrn;
    private readonly TempDirectory _project = new("dataforge-pathleak");

    public void Dispose() => _project.Dispose();

    public static TheoryData<string> Sections => new()
    {
        "",
        "curate:\n  duplicates: {on_fail: exclude}\n",
        "deidentify_options: [clean-recognizable-visual-features]\n",
    };

    /// <summary>One synthetic patient under a folder named after a made-up patient and MRN; its files in path order.</summary>
    private List<string> WriteCorpus()
    {
        var staging = _project.Combine("staging");
        SynthWriter.Write(staging, new SynthOptions { Patients = 1, Slices = 3, Matrix = 16 });
        var patient = Directory.GetDirectories(staging).Single();
        Directory.CreateDirectory(_project.Combine("raw"));
        Directory.Move(patient, _project.Combine("raw", PatientFolder));
        return Directory.GetFiles(_project.Combine("raw"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
    }

    private static void Plant(string file, DicomTag tag, params string[] values)
    {
        var dicom = DicomFile.Open(file);
        dicom.Dataset.Add(tag, values);
        dicom.Save(file);
    }

    private BuildResult Build(string section)
    {
        var options = section.StartsWith("deidentify_options: ", StringComparison.Ordinal) ? "\n  options: " + section["deidentify_options: ".Length..].Trim() : "";
        var text = $"version: 1\nname: path-leak\nsources:\n  - {{id: raw, kind: dicom, path: raw}}\ndeidentify:\n  profile: basic{options}\n"
                   + (options.Length == 0 ? section : "");
        var loaded = ManifestLoader.Create().LoadText(text, "dataforge.yaml", _project.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        return new BuildEngine(PipelineFactory.Layout(loaded.Manifest!)).Build(PipelineFactory.Create(loaded.Manifest!, Secret), new BuildOptions { Jobs = 2 });
    }

    private string[] OutputBytesUpper() =>
        Directory.GetFiles(_project.Combine("out"), "*", SearchOption.AllDirectories)
            .Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f)).ToUpperInvariant()).ToArray();

    [Theory]
    [MemberData(nameof(Sections))]
    public void A_kept_attribute_holding_the_MRN_of_the_patient_folder_fails_the_leak_gate_and_is_not_published(string section)
    {
        var files = WriteCorpus();
        // Body Part Examined is kept by the Basic Profile; the header's own Patient ID is another value.
        Plant(files[1], DicomTags.BodyPartExamined, FolderMrn);

        var result = Build(section);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(DeidentifyStage.Id, failure.StageId);
        Assert.StartsWith("leak gate:", failure.Reason);
        Assert.Contains("BodyPartExamined", failure.Reason);
        Assert.DoesNotContain(FolderMrn, failure.Reason);
        Assert.All(OutputBytesUpper(), text => Assert.DoesNotContain(FolderMrn, text));
        // The other instances of the patient are published: the folder name alone fails nothing.
        Assert.Equal(files.Count - 1, Directory.GetFiles(_project.Combine("out", "dicom"), "*.dcm", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void A_referenced_file_id_whose_components_name_the_patient_fails_the_leak_gate()
    {
        var files = WriteCorpus();
        Plant(files[0], DicomTags.ReferencedFileID, "PQ7734521", "IMG0001");

        var result = Build("");

        var failure = Assert.Single(result.Failures);
        Assert.StartsWith("leak gate:", failure.Reason);
        Assert.Contains("ReferencedFileID", failure.Reason);
        Assert.All(OutputBytesUpper(), text => Assert.DoesNotContain("PQ7734521", text));
    }

    [Fact]
    public void A_renamed_patient_folder_reruns_the_check_and_a_generic_folder_name_fails_nothing()
    {
        var files = WriteCorpus();
        Plant(files[1], DicomTags.BodyPartExamined, "CHEST");
        Assert.Empty(Build("").Failures);
        // Renamed so that the folder now says what the kept attribute says: the cached verdict is not reused.
        Directory.Move(_project.Combine("raw", PatientFolder), _project.Combine("raw", "DOE_JOHN_CHEST9981"));
        Plant(Directory.GetFiles(_project.Combine("raw"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ElementAt(1),
            DicomTags.BodyPartExamined, "CHEST9981");
        var failure = Assert.Single(Build("").Failures);
        Assert.StartsWith("leak gate:", failure.Reason);
    }

    [Fact]
    public void The_rule_searches_names_and_record_numbers_and_skips_generic_export_names()
    {
        Assert.Equal(["QUIXOTE_ZEBULON_MRN55501234", "MRN55501234"], PathIdentifiers.Of("QUIXOTE_ZEBULON_MRN55501234/CHEST_CT/IMG0001"));
        // A bare number is not searched (it would match inside new UIDs); a number with letters is.
        Assert.Equal(["DOE^JOHN", "MRN12345"], PathIdentifiers.Of("DOE^JOHN/12345678/MRN12345/20230105/1.2.840.113619.2.55/SE000001/IM-0001-0002.dcm"));
        Assert.Empty(PathIdentifiers.Of("raw/DICOM/PA000000/ST000001/SE000001/IMG0001"));
        Assert.Empty(PathIdentifiers.Of("Series1/CHEST/2023-01-05/I0001.dcm"));
        Assert.Empty(PathIdentifiers.Of("HEAD_NECK/AX_T1_POST/1234/IM0001.dcm"));
        Assert.Equal(["DOE_JOHN"], PathIdentifiers.Of("exports/DOE_JOHN.dcm"));
    }
}
