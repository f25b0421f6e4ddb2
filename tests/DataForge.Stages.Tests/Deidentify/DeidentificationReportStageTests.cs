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

public sealed class DeidentificationReportStageTests : IDisposable
{
    private static readonly byte[] Secret = "test-secret-0123456789abcdef-xyz"u8.ToArray();
    private readonly TempDirectory _project = new("dataforge-deid-report");
    private const string Policy = """{"profile":"basic","options":["retain-longitudinal-modified-dates","clean-descriptors"],"overrides":[{"tag":"PatientAge","action":"keep"}]}""";

    public DeidentificationReportStageTests() => SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 2, Slices = 3, Matrix = 16 });

    public void Dispose() => _project.Dispose();

    private BuildResult Build(int jobs, string output)
    {
        var engine = new BuildEngine(new StoreLayout(_project.Combine("state-" + output), _project.Combine(output)));
        var config = JsonDocument.Parse(Policy).RootElement;
        var pipeline = new Pipeline([new EngineSource("raw", _project.Combine("raw"))],
            [new DeidentifyStage(["raw"], DeidPolicy.From(config), Secret), new DeidentificationReportStage(DeidPolicy.From(config), deidentifyInputs: ["raw"])]);
        return engine.Build(pipeline, new BuildOptions { Jobs = jobs });
    }

    [SkippableFact]
    public void The_report_counts_each_attribute_as_pydicom_finds_it_in_the_inputs_and_holds_no_value()
    {
        var python = Oracle.RequirePython("pydicom");
        var result = Build(2, "out");
        Assert.Equal([], result.Failures.Select(f => f.ToString()));
        var report = JsonDocument.Parse(File.ReadAllBytes(_project.Combine("out", DeidentificationReportStage.FileName))).RootElement;
        Assert.Equal(12, report.GetProperty("instances").GetInt32());
        Assert.Equal("113100", report.GetProperty("policy").GetProperty("code").GetString());
        Assert.Contains(report.GetProperty("policy").GetProperty("options").EnumerateArray(), o => o.GetProperty("code").GetString() == "113107");

        string[] keywords = ["PatientName", "PatientID", "PatientBirthDate", "StudyDate", "InstitutionName", "SOPInstanceUID", "PatientAge", "Rows"];
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "count_keywords.py"), _project.Combine("raw"), .. keywords]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        var expected = JsonDocument.Parse(run.StandardOutput).RootElement;
        var attributes = report.GetProperty("attributes");
        foreach (var keyword in keywords)
        {
            var outcomes = attributes.GetProperty(keyword).EnumerateObject().ToDictionary(o => o.Name, o => o.Value.GetInt32());
            Assert.True(expected.GetProperty(keyword).GetInt32() == outcomes.Values.Sum(), $"{keyword}: {string.Join(",", outcomes)}");
        }
        // One pseudonym per instance; the names inside removed sequences count as removed.
        Assert.Equal(12, attributes.GetProperty("PatientName").GetProperty("pseudonymised").GetInt32());
        Assert.Equal(["shifted"], attributes.GetProperty("StudyDate").EnumerateObject().Select(o => o.Name));
        Assert.Equal(["uid replaced"], attributes.GetProperty("SOPInstanceUID").EnumerateObject().Select(o => o.Name));
        Assert.Equal(["kept"], attributes.GetProperty("PatientAge").EnumerateObject().Select(o => o.Name));
        // Institution Name (X/Z/D) is Type 3 in the CT Image IOD's General Equipment module: removed, and the report says why.
        Assert.Equal(["removed"], attributes.GetProperty("InstitutionName").EnumerateObject().Select(o => o.Name));
        Assert.Equal(12, report.GetProperty("compound_actions").GetProperty("InstitutionName").GetProperty("X/Z/D as X (Type 3)").GetInt32());

        var text = File.ReadAllText(_project.Combine("out", DeidentificationReportStage.FileName)).ToUpperInvariant();
        for (var i = 0; i < 2; i++)
        {
            var p = FakePatient.Create(1, i);
            foreach (var identifier in new[] { p.FamilyName, p.GivenName, p.PatientId, "SYNTHETIC GENERAL" })
                Assert.DoesNotContain(identifier.ToUpperInvariant(), text);
        }
    }

    [Fact]
    public void The_report_is_the_same_bytes_at_any_number_of_jobs()
    {
        Assert.True(Build(1, "one").Succeeded);
        Assert.True(Build(4, "four").Succeeded);
        Assert.Equal(File.ReadAllBytes(_project.Combine("one", DeidentificationReportStage.FileName)),
            File.ReadAllBytes(_project.Combine("four", DeidentificationReportStage.FileName)));
    }

    [Fact]
    public void The_report_counts_per_sop_class_what_was_published_excluded_by_reason_and_failed()
    {
        // One CT instance flags burned-in text, one is made an encapsulated PDF with the flag too (the document is the
        // reason, not the flag), one plants its patient ID in a kept text the leak gate finds (failed).
        var files = Directory.GetFiles(_project.Combine("raw"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var burned = DataForge.Dicom.DicomFile.Open(files[0]);
        burned.Dataset.Add(DataForge.Dicom.DicomTags.BurnedInAnnotation, "YES");
        burned.Save(files[0]);
        var pdf = DataForge.Dicom.DicomFile.Open(files[1]);
        pdf.Dataset.Add(DataForge.Dicom.DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.104.1");
        pdf.Dataset.Add(DataForge.Dicom.DicomTags.MIMETypeOfEncapsulatedDocument, "application/pdf");
        pdf.Dataset.Add(DataForge.Dicom.DicomTags.EncapsulatedDocument, DataForge.Dicom.DicomVR.OB, "%PDF-1.4 x"u8.ToArray());
        pdf.Dataset.Add(DataForge.Dicom.DicomTags.BurnedInAnnotation, "YES");
        pdf.Save(files[1]);
        var leak = DataForge.Dicom.DicomFile.Open(files[2]);
        leak.Dataset.Add(DataForge.Dicom.DicomTags.ImagedNucleus, leak.Dataset.GetString(DataForge.Dicom.DicomTags.PatientID)!);
        leak.Save(files[2]);

        var result = Build(2, "census");
        Assert.Equal(3, result.Failures.Count);
        var sop = JsonDocument.Parse(File.ReadAllBytes(_project.Combine("census", DeidentificationReportStage.FileName))).RootElement.GetProperty("sop_classes");
        Assert.Equal(9, sop.EnumerateObject().Sum(c => c.Value.GetProperty("published").GetInt32()));
        Assert.Equal(1, sop.GetProperty(burned.Dataset.GetString(DataForge.Dicom.DicomTags.SOPClassUID)!).GetProperty("excluded")
            .GetProperty(DeidExclusions.BurnedInAnnotation).GetInt32());
        Assert.Equal(1, sop.GetProperty(leak.Dataset.GetString(DataForge.Dicom.DicomTags.SOPClassUID)!).GetProperty("failed").GetInt32());
        Assert.Equal(1, sop.EnumerateObject().Sum(c => c.Value.GetProperty("failed").GetInt32()));
        var document = sop.GetProperty("1.2.840.10008.5.1.4.1.1.104.1");
        Assert.Equal(0, document.GetProperty("published").GetInt32());
        Assert.Equal(["encapsulated-document"], document.GetProperty("excluded").EnumerateObject().Select(o => o.Name));
        Assert.Equal(0, document.GetProperty("failed").GetInt32());
    }
}
