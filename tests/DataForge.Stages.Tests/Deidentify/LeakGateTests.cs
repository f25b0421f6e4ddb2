using System.Text.Json;
using DataForge.Dicom;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Tests.Deidentify;

public sealed class LeakGateTests
{
    private static readonly KeyedIdentity Keys = new("leak-gate-secret-0123456789abcdef"u8.ToArray());

    private static DicomFile Planted(Action<DicomDataset> plant)
    {
        var ds = new DicomDataset()
            .Add(DicomTags.SpecificCharacterSet, "ISO_IR 100")
            .Add(DicomTags.StudyDate, "20240105")
            .Add(DicomTags.Modality, "CT")
            .Add(DicomTags.PatientName, "PLANTED^PERSONA")
            .Add(DicomTags.PatientID, "ID-778899")
            .Add(DicomTags.StudyInstanceUID, "1.2.826.0.1.3680043.2.1125.77")
            .Add(DicomTags.SeriesInstanceUID, "1.2.826.0.1.3680043.2.1125.78");
        plant(ds);
        return DicomFile.Create(ds, "1.2.840.10008.5.1.4.1.1.2", "1.2.826.0.1.3680043.2.1125.79");
    }

    private static string? Run(DicomFile file, string policy)
    {
        var deid = new Deidentifier(DeidPolicy.From(JsonDocument.Parse(policy).RootElement), Keys);
        var result = deid.Apply(file);
        return LeakGate.Check(result.File, result.RemovedIdentifiers);
    }

    [Fact]
    public void A_clean_instance_passes()
    {
        Assert.Null(Run(Planted(_ => { }), """{"profile":"basic"}"""));
    }

    [Fact]
    public void A_name_planted_in_kept_free_text_is_caught_in_any_written_form_and_the_attribute_is_named()
    {
        var keep = """{"profile":"basic","overrides":[{"tag":"ImageComments","action":"keep"}]}""";
        foreach (var text in new[] { "seen by Persona Planted", "PLANTED, PERSONA", "report for planted" })
        {
            var leak = Run(Planted(ds => ds.Add(DicomTags.ImageComments, text)), keep);
            Assert.Equal("leak gate: a removed identifier (" + leak![33..], leak);
            Assert.EndsWith("appears in (0020,4000) ImageComments", leak);
            Assert.DoesNotContain("PLANTED", leak, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void A_whole_name_planted_in_a_code_meaning_deep_in_a_sequence_is_caught()
    {
        var leak = Run(Planted(ds =>
        {
            var outer = new DicomDataset();
            ds.Add(DicomTags.AnatomicRegionSequence, outer);
            outer.Add(DicomTags.CodeValue, "T-D4000").Add(DicomTags.CodingSchemeDesignator, "SRT").Add(DicomTags.CodeMeaning, "PLANTED^PERSONA");
        }), """{"profile":"basic"}""");
        Assert.NotNull(leak);
        Assert.Contains("(0008,2218) AnatomicRegionSequence[1] / (0008,0104) CodeMeaning", leak);
    }

    [Fact]
    public void A_single_name_component_that_is_also_a_coding_scheme_word_is_not_a_leak()
    {
        var leak = Run(Planted(ds =>
        {
            ds.Add(DicomTags.PatientName, "TEST^S R");
            var item = new DicomDataset();
            ds.Add(DicomTags.AnatomicRegionSequence, item);
            item.Add(DicomTags.CodeValue, "1111").Add(DicomTags.CodingSchemeDesignator, "TEST").Add(DicomTags.CodeMeaning, "Diagnosis");
        }), """{"profile":"basic"}""");
        Assert.Null(leak);
    }

    [Fact]
    public void A_name_in_a_private_attribute_never_reaches_the_output()
    {
        var leak = Run(Planted(ds => ds.Add(ds.PrivateTag(0x0011, "ACME 1.0", 0x10), DicomVR.LO, "PLANTED PERSONA")), """{"profile":"basic"}""");
        Assert.Null(leak);
    }

    [Fact]
    public void An_original_uid_kept_by_override_while_its_references_are_replaced_is_caught()
    {
        var leak = Run(Planted(ds =>
        {
            var reference = new DicomDataset();
            ds.Add(DicomTags.ReferencedStudySequence, reference);
            reference.Add(DicomTags.ReferencedSOPClassUID, "1.2.840.10008.3.1.2.3.1").Add(DicomTags.ReferencedSOPInstanceUID, "1.2.826.0.1.3680043.2.1125.77");
        }), """{"profile":"basic","overrides":[{"tag":"StudyInstanceUID","action":"keep"}]}""");
        Assert.Equal("leak gate: a removed identifier (29 characters) appears in (0020,000D) StudyInstanceUID", leak);
    }

    [Fact]
    public void A_name_planted_in_a_deflated_instance_is_caught_in_its_inflated_header()
    {
        // PS3.5 A.5: the whole dataset is deflated, so its bytes as written never show a name; the gate reads it inflated.
        var keep = """{"profile":"basic","overrides":[{"tag":"ImageComments","action":"keep"}]}""";
        var file = Planted(ds => ds.Add(DicomTags.ImageComments, "seen by Persona Planted")).WithTransferSyntax(DicomTransferSyntax.DeflatedExplicitVRLittleEndian);
        var leak = Run(file, keep);
        Assert.NotNull(leak);
        Assert.EndsWith("appears in (0020,4000) ImageComments", leak);
    }
}
