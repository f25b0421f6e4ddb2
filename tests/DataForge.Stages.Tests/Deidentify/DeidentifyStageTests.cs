using System.Globalization;
using System.Text;
using System.Text.Json;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Store;
using DataForge.Stages.Deidentify;
using DataForge.Synth;
using DataForge.Testing;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.Tests.Deidentify;

public sealed class DeidentifyStageTests : IDisposable
{
    private static readonly byte[] Secret = "test-secret-0123456789abcdef-xyz"u8.ToArray();
    private static readonly SynthOptions Corpus = new() { Patients = 3, Slices = 3, Matrix = 16 };
    private readonly TempDirectory _project = new("dataforge-deid");

    public DeidentifyStageTests() => SynthWriter.Write(_project.Combine("raw"), Corpus);

    public void Dispose() => _project.Dispose();

    private BuildResult Build(string policy, int jobs = 2, string output = "out")
    {
        var engine = new BuildEngine(new StoreLayout(_project.Path, _project.Combine(output)));
        var config = JsonDocument.Parse(policy).RootElement;
        var pipeline = new Pipeline([new EngineSource("raw", _project.Combine("raw"))], [new DeidentifyStage(["raw"], DeidPolicy.From(config), Secret)]);
        return engine.Build(pipeline, new BuildOptions { Jobs = jobs });
    }

    private const string ModifiedDates = """{"profile":"basic","options":["retain-longitudinal-modified-dates","clean-descriptors"]}""";

    /// <summary>Every identifier the synthetic generator wrote, in every form it wrote it.</summary>
    private static List<string> Identifiers()
    {
        var list = new List<string>
        {
            "Synthetic General Hospital", "1 Fictional Road", "SYNTHETIC GENERAL", "SYNTHETIC CLINIC", "SYNTHETIC RIS",
            "SN-SYN-CT-0001", "SN-SYN-MR-0001", "SYNCT01", "SYNMR01", SynthWriter.PrivateCreator, "FICTIONAL", "IMAGINARY", "PLACEHOLDER",
            "RADIOGRAPHER", "OPERATOR^OLGA", "TECH^TINA", "Phantom CT 64", "Phantom MR",
        };
        for (var i = 0; i < Corpus.Patients; i++)
        {
            var p = FakePatient.Create(Corpus.Seed, i);
            list.AddRange([p.FamilyName, p.GivenName, p.PatientId, p.OtherPatientId, p.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                p.StudyDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture), $"ACC{p.PatientId[3..]}"]);
            foreach (var modality in Corpus.Modalities)
            {
                list.Add(SynthWriter.Uid(Corpus.Seed, "study", i, modality));
                list.Add(SynthWriter.Uid(Corpus.Seed, "series", i, modality));
                list.Add(SynthWriter.Uid(Corpus.Seed, "frame", i, modality));
                for (var k = 0; k < Corpus.Slices; k++) list.Add(SynthWriter.Uid(Corpus.Seed, "instance", i, modality, k));
            }
        }
        return list;
    }

    [Fact]
    public void No_identifier_of_the_input_appears_in_any_byte_of_any_output_file()
    {
        var result = Build(ModifiedDates);
        Assert.Equal([], result.Failures.Select(f => f.ToString()));
        var files = Directory.GetFiles(_project.Combine("out"), "*", SearchOption.AllDirectories);
        Assert.Equal(18, files.Length);
        foreach (var file in files)
        {
            var text = Encoding.Latin1.GetString(File.ReadAllBytes(file)).ToUpperInvariant();
            foreach (var identifier in Identifiers())
            {
                Assert.DoesNotContain(identifier.ToUpperInvariant(), text);
                Assert.DoesNotContain(identifier.ToUpperInvariant(), Path.GetRelativePath(_project.Path, file).ToUpperInvariant());
            }
        }
    }

    [SkippableFact]
    public void Pydicom_sees_pseudonyms_new_uids_shifted_dates_and_no_private_attributes()
    {
        var python = Oracle.RequirePython("pydicom");
        Assert.True(Build(ModifiedDates).Succeeded);
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "dump_tree.py"), _project.Combine("out")]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        var files = JsonDocument.Parse(run.StandardOutput).RootElement.EnumerateObject().ToList();
        Assert.Equal(18, files.Count);

        string Value(JsonProperty file, string tag) => file.Value.EnumerateArray().First(e => e.GetProperty("tag").GetString() == tag).GetProperty("value").GetString()!;
        var byPatient = files.GroupBy(f => Value(f, "00100020")).ToList();
        Assert.Equal(3, byPatient.Count);
        foreach (var patient in byPatient)
        {
            Assert.Matches("^ANON-[A-Z0-9]{10}$", patient.Key);
            Assert.All(patient, f => Assert.Equal(patient.Key, Value(f, "00100010")));
            // One shift per patient: the CT and MR study dates of the synthetic patient were equal and stay equal.
            Assert.Single(patient.Select(f => Value(f, "00080020")).Distinct());
        }
        foreach (var file in files)
        {
            Assert.All(file.Value.EnumerateArray(), e => Assert.True(Convert.ToInt32(e.GetProperty("tag").GetString()![..4], 16) % 2 == 0, "private group left"));
            Assert.StartsWith("2.25.", Value(file, "0020000D"));
            Assert.Equal(Value(file, "00080018"), Value(file, "00020003"));
            Assert.Equal("YES", Value(file, "00120062"));
            Assert.Equal("MODIFIED", Value(file, "00280303"));
            Assert.DoesNotContain(file.Value.EnumerateArray(), e => e.GetProperty("tag").GetString() is "04000561" or "00101002");
        }
        // Series keep their slices together under one new series UID, consistently across files.
        Assert.Equal(6, files.Select(f => Value(f, "0020000E")).Distinct().Count());
        Assert.Equal(6, files.Select(f => Value(f, "00200052")).Distinct().Count());
    }

    [Fact]
    public void The_outputs_are_the_same_bytes_for_any_number_of_jobs()
    {
        Build(ModifiedDates, jobs: 1, output: "out1");
        // Moving output.path cleans the old folder: its files are kept aside for the comparison, then put back.
        Directory.Move(_project.Combine("out1"), _project.Combine("out1.kept"));
        Build(ModifiedDates, jobs: 4, output: "out4");
        Directory.Move(_project.Combine("out1.kept"), _project.Combine("out1"));
        var a = Directory.GetFiles(_project.Combine("out1"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_project.Combine("out1"), f)).Order(StringComparer.Ordinal).ToList();
        var b = Directory.GetFiles(_project.Combine("out4"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_project.Combine("out4"), f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(a, b);
        foreach (var f in a) Assert.True(File.ReadAllBytes(_project.Combine("out1", f)).AsSpan().SequenceEqual(File.ReadAllBytes(_project.Combine("out4", f))), f);
    }

    [Fact]
    public void Keeping_the_patient_name_by_override_is_stopped_by_the_leak_gate()
    {
        // The Original Attributes Sequence holds the family name too; it is removed, so the name must not survive anywhere.
        var result = Build("""{"profile":"basic","overrides":[{"tag":"PatientName","action":"keep"}]}""");
        Assert.Equal(18, result.Failures.Count);
        Assert.All(result.Failures, f => Assert.StartsWith("leak gate: a removed identifier", f.Reason));
        Assert.Empty(Directory.Exists(_project.Combine("out")) ? Directory.GetFiles(_project.Combine("out"), "*", SearchOption.AllDirectories) : []);
    }

    [SkippableFact]
    public void Dciodvfy_finds_no_error_in_de_identified_instances()
    {
        var dciodvfy = Oracle.Require("dciodvfy");
        Assert.True(Build("""{"profile":"basic"}""").Succeeded);
        foreach (var file in Directory.GetFiles(_project.Combine("out"), "*.dcm", SearchOption.AllDirectories).Take(6))
        {
            var run = Oracle.Run(dciodvfy, ["-new", file]);
            var errors = (run.StandardOutput + run.StandardError).Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 0, string.Join('\n', errors));
        }
    }

    [Fact]
    public void An_instance_with_burned_in_annotation_is_excluded_and_reported()
    {
        var victim = Directory.GetFiles(_project.Combine("raw"), "IM0001.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var file = DataForge.Dicom.DicomFile.Open(victim);
        file.Dataset.Add(DataForge.Dicom.DicomTags.BurnedInAnnotation, "YES");
        file.Save(victim);
        var result = Build(ModifiedDates);
        var failure = Assert.Single(result.Failures);
        Assert.StartsWith("excluded: Burned In Annotation is YES", failure.Reason);
        Assert.Equal(17, Directory.GetFiles(_project.Combine("out"), "*.dcm", SearchOption.AllDirectories).Length);
    }
}
