using System.Text.Json;
using DataForge.Dicom;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>
/// Clean Descriptors and Clean Structured Content remove from free text every identifier the leak gate looks for
/// (accession number, other patient IDs and their sequence, issuer, study ID, requested procedure ID, dates, UIDs,
/// institution and station, any person's name in any written order), so an instance whose description quotes one
/// is published with the rest of its words, not held back by the gate.
/// </summary>
public sealed class DescriptorCleaningTests
{
    private static readonly KeyedIdentity Keys = new("descriptor-secret-0123456789abcdef"u8.ToArray());

    private static DicomFile Instance(string quote)
    {
        var request = new DicomDataset().Add(DicomTags.RequestedProcedureID, "RP-4471239")
            .Add(DicomTags.ScheduledProcedureStepID, "SPS-99812");
        var other = new DicomDataset().Add(DicomTags.PatientID, "OTHERID-88213").Add(DicomTags.IssuerOfPatientID, "NORTHWEST CLINIC");
        var ds = new DicomDataset()
            .Add(DicomTags.SpecificCharacterSet, "ISO_IR 100")
            .Add(DicomTags.StudyDate, "20240105")
            .Add(DicomTags.Modality, "CT")
            .Add(DicomTags.PatientName, "PLANTED^PERSONA")
            .Add(DicomTags.PatientID, "ID-778899")
            .Add(DicomTags.IssuerOfPatientID, "STMARYS-HOSP")
            .Add(DicomTags.OtherPatientIDs, "OLDMRN-55123")
            .Add(DicomTags.AccessionNumber, "ACC20240105A")
            .Add(DicomTags.StudyID, "STUDY-31337")
            .Add(DicomTags.InstitutionName, "Riverside Imaging")
            .Add(DicomTags.StationName, "CTSCAN07")
            .Add(DicomTags.ReferringPhysicianName, "Okonkwo^Chidi")
            .Add(DicomTags.StudyInstanceUID, "1.2.826.0.1.3680043.2.1125.77")
            .Add(DicomTags.SeriesInstanceUID, "1.2.826.0.1.3680043.2.1125.78")
            .Add(DicomTags.RequestAttributesSequence, request)
            .Add(DicomTags.OtherPatientIDsSequence, other)
            .Add(DicomTags.StudyDescription, "CT chest " + quote)
            .Add(DicomTags.ImageComments, "contrast, " + quote + " follow-up");
        var finding = new DicomDataset().Add(DicomTags.RelationshipType, "CONTAINS").Add(DicomTags.ValueType, "TEXT")
            .Add(DicomTags.TextValue, "nodule; " + quote);
        ds.Add(DicomTags.ContentSequence, finding);
        return DicomFile.Create(ds, "1.2.840.10008.5.1.4.1.1.2", "1.2.826.0.1.3680043.2.1125.79");
    }

    public static TheoryData<string> Quotes() => new()
    {
        "ACC20240105A", "acc20240105a", "OLDMRN-55123", "OTHERID-88213", "NORTHWEST CLINIC", "STMARYS-HOSP", "STUDY-31337",
        "RP-4471239", "SPS-99812", "20240105", "1.2.826.0.1.3680043.2.1125.77", "Riverside Imaging", "CTSCAN07",
        "Chidi Okonkwo", "Okonkwo, Chidi", "Persona Planted", "PLANTED, PERSONA",
    };

    [Theory]
    [MemberData(nameof(Quotes))]
    public void A_description_quoting_an_identifier_is_cleaned_and_passes_the_leak_gate(string quote)
    {
        var deid = new Deidentifier(DeidPolicy.From(JsonDocument.Parse(
            """{"profile":"basic","options":["clean-descriptors","clean-structured-content"]}""").RootElement), Keys);
        var result = deid.Apply(Instance(quote));
        Assert.Null(LeakGate.Check(result.File, result.RemovedIdentifiers));
        var ds = result.File.Dataset;
        // The words around the identifier stay; the identifier becomes the scrub mark.
        Assert.StartsWith("CT chest XXXX", ds.GetString(DicomTags.StudyDescription));
        Assert.StartsWith("contrast, XXXX", ds.GetString(DicomTags.ImageComments));
        Assert.EndsWith("follow-up", ds.GetString(DicomTags.ImageComments));
        Assert.StartsWith("nodule; XXXX", ds.GetSequence(DicomTags.ContentSequence)!.Items[0].GetString(DicomTags.TextValue));
        Assert.DoesNotContain(quote, ds.GetString(DicomTags.StudyDescription)!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Words_that_identify_nobody_are_kept_whole()
    {
        var deid = new Deidentifier(DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic","options":["clean-descriptors"]}""").RootElement), Keys);
        var result = deid.Apply(Instance("with contrast"));
        Assert.Equal("CT chest with contrast", result.File.Dataset.GetString(DicomTags.StudyDescription));
        Assert.Equal(1, result.Counts["StudyDescription"]["cleaned"]);
    }
}
