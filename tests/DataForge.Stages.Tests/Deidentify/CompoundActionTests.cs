using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>
/// PS3.15 E.1.1 compound actions follow the attribute's Type in the instance's IOD: removed where it is Type 3 in every
/// module of the IOD that holds it, emptied where Type 2, a dummy only where Type 1; the report says which was chosen.
/// </summary>
public sealed class CompoundActionTests
{
    private static readonly Deidentifier Deid = new(
        DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic"}""").RootElement),
        new KeyedIdentity("compound-secret-0123456789abcdefgh"u8.ToArray()));

    private const string CtImage = "1.2.840.10008.5.1.4.1.1.2";
    private const string RtPlan = "1.2.840.10008.5.1.4.1.1.481.5";
    private const string EnhancedCtImage = "1.2.840.10008.5.1.4.1.1.2.1";

    private static DicomFile Instance(string sopClass) => DicomFile.Create(new DicomDataset()
            .Add(DicomTags.SOPClassUID, sopClass)
            .Add(DicomTags.SOPInstanceUID, "1.2.826.0.1.3680043.2.1125.91")
            .Add(DicomTags.PatientName, "TYPED^PERSON")
            .Add(DicomTags.PatientID, "TYPE-4410")
            .Add(DicomTags.Modality, "CT")
            .Add(DicomTags.OperatorsName, "Olsen^Ingrid")
            .Add(DicomTags.SeriesDate, "20230304")
            .Add(DicomTags.DeviceSerialNumber, "SN-88213")
            .Add(DicomTags.PatientSexNeutered, "ALTERED")
            .Add(DicomTags.ContentDate, "20230304"),
        sopClass, "1.2.826.0.1.3680043.2.1125.91");

    [Fact]
    public void Operators_name_of_a_ct_image_is_removed_because_every_module_of_the_iod_holding_it_makes_it_type_3()
    {
        var result = Deid.Apply(Instance(CtImage));
        var ds = result.File.Dataset;
        Assert.False(ds.Contains(DicomTags.OperatorsName));
        Assert.False(ds.Contains(DicomTags.SeriesDate));
        Assert.False(ds.Contains(DicomTags.DeviceSerialNumber));
        Assert.Equal(1, result.CompoundCounts["OperatorsName"]["X/Z/D as X (Type 3)"]);
        Assert.Equal(1, result.Counts["OperatorsName"]["removed"]);
    }

    [Fact]
    public void A_type_2_attribute_is_emptied_and_a_type_1_attribute_gets_a_dummy()
    {
        // Operators' Name is Type 2 in the RT General Plan module; Device Serial Number is Type 1 in the Enhanced General
        // Equipment module of an Enhanced CT Image; Patient's Sex Neutered is Type 2C in the Patient module.
        var plan = Deid.Apply(Instance(RtPlan));
        Assert.True(plan.File.Dataset.Get(DicomTags.OperatorsName) is DicomElement { Length: 0 });
        Assert.Equal(1, plan.CompoundCounts["OperatorsName"]["X/Z/D as Z (Type 2)"]);
        Assert.True(plan.File.Dataset.Get(DicomTags.PatientSexNeutered) is DicomElement { Length: 0 });

        var enhanced = Deid.Apply(Instance(EnhancedCtImage));
        var serial = enhanced.File.Dataset.GetString(DicomTags.DeviceSerialNumber);
        Assert.False(string.IsNullOrEmpty(serial));
        Assert.NotEqual("SN-88213", serial);
        Assert.Equal(1, enhanced.CompoundCounts["DeviceSerialNumber"]["X/Z/D as D (Type 1)"]);
        // Content Date is Type 1 in the Enhanced CT Image's modules: Z/D gives the dummy.
        Assert.Equal(1, enhanced.CompoundCounts["ContentDate"]["Z/D as D (Type 1)"]);
    }

    [Fact]
    public void Without_a_known_iod_or_inside_a_sequence_the_attribute_is_kept_with_what_cannot_break_conformance()
    {
        var unknown = Deid.Apply(Instance("1.2.826.0.1.3680043.2.1125.999"));
        Assert.False(string.IsNullOrEmpty(unknown.File.Dataset.GetString(DicomTags.OperatorsName)));
        Assert.Equal(1, unknown.CompoundCounts["OperatorsName"]["X/Z/D as D (Type unknown)"]);
    }

    [Theory]
    [InlineData("X/Z", 3, ProfileAction.Remove)]
    [InlineData("X/Z", 2, ProfileAction.Empty)]
    [InlineData("X/D", 2, ProfileAction.Dummy)]
    [InlineData("Z/D", 3, ProfileAction.Empty)]
    [InlineData("Z/D", 1, ProfileAction.Dummy)]
    [InlineData("X/Z/D", 1, ProfileAction.Dummy)]
    [InlineData("X/Z/U*", 3, ProfileAction.Remove)]
    [InlineData("X/Z/U*", 2, ProfileAction.Empty)]
    [InlineData("X/Z/U*", 1, ProfileAction.Uid)]
    public void Each_compound_code_resolves_by_type(string code, int type, ProfileAction expected) =>
        Assert.Equal(expected, CompoundActions.Resolve(ProfileActions.Parse(code), type));

    [SkippableFact]
    public void Every_ct_image_of_the_corpus_loses_its_operators_name_and_dciodvfy_finds_no_new_error()
    {
        var dciodvfy = Oracle.Require("dciodvfy");
        var files = TestData.PydicomFiles();
        if (files.Count == 0) Oracle.RequirePython("pydicom");
        using var dir = new TempDirectory();
        var seen = 0;
        foreach (var path in files)
        {
            DicomFile input;
            try { input = DicomReader.ReadFile(path); }
            catch (DicomFormatException) { continue; }
            if (input.Dataset.GetString(DicomTags.SOPClassUID) != CtImage || !input.Dataset.Contains(DicomTags.OperatorsName)) continue;
            DeidResult result;
            try { result = Deid.Apply(input); }
            catch (DeidentificationException) { continue; }
            Assert.False(result.File.Dataset.Contains(DicomTags.OperatorsName), Path.GetFileName(path));
            var output = dir.Combine($"{seen++}.dcm");
            result.File.Save(output);
            Assert.Empty(Dciodvfy.Errors(dciodvfy, output).Except(Dciodvfy.Errors(dciodvfy, path)));
        }
        Assert.True(seen >= 1, "no CT Image with Operators' Name in the corpus");
    }
}
