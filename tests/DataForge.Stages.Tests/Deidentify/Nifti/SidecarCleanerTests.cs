using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Deidentify.Nifti;
using DataForge.Stages.Tests.Volumes;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify.Nifti;

/// <summary>Sidecars written by dcm2niix (<c>-ba n</c> keeps names and IDs) from synthetic series with planted identifiers.</summary>
public sealed class SidecarCleanerTests : IDisposable
{
    private static readonly KeyedIdentity Keys = new("niftideid-test-secret-0123456789"u8.ToArray());
    private readonly SeriesFixture _corpus = new(slices: 4, matrix: 16);
    private readonly FakePatient _patient = FakePatient.Create(new SynthOptions().Seed, 0);

    public void Dispose() => _corpus.Dispose();

    private static DeidPolicy Policy(object config) =>
        DeidPolicy.From(JsonDocument.Parse(JsonSerializer.Serialize(config)).RootElement);

    private static DeidPolicy Options(params string[] options) => Policy(new { profile = "basic", options });

    private NiftiPatientContext Context(DeidPolicy policy) =>
        NiftiPatientContext.For(Keys, policy, "id:\0" + _patient.PatientId, "ANON-TEST", [_patient.DicomName, _patient.PatientId]);

    /// <summary>dcm2niix's sidecar and NIfTI for a modality's series, converted once per test.</summary>
    private (JsonObject Sidecar, string Nifti) Dcm2niix(string modality)
    {
        var dcm2niix = Oracle.Require("dcm2niix");
        var output = _corpus.Root.Combine("dcm2niix-" + modality);
        Directory.CreateDirectory(output);
        var run = Oracle.Run(dcm2niix, ["-ba", "n", "-b", "y", "-z", "n", "-f", "%s", "-o", output, _corpus.SeriesFolder(modality)]);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        var json = Assert.Single(Directory.GetFiles(output, "*.json"));
        return (JsonNode.Parse(File.ReadAllText(json))!.AsObject(), Path.ChangeExtension(json, ".nii"));
    }

    private static void Edit(string folder, params string[] assignments)
    {
        var python = Oracle.RequirePython("pydicom");
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "edit_series.py"), "set", folder, .. assignments]);
        Assert.True(run.ExitCode == 0, run.StandardError);
    }

    /// <summary>Every form in which the planted identity can be written.</summary>
    private IEnumerable<string> PlantedIdentifiers()
    {
        var p = _patient;
        string[] physician = p.ReferringPhysician.Split('^');
        return
        [
            p.FamilyName, p.GivenName, p.DicomName, $"{p.GivenName} {p.FamilyName}", $"{p.FamilyName}, {p.GivenName}", p.PatientId,
            p.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture), p.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            p.StudyDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture), p.StudyDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            $"ACC{p.PatientId[3..]}", physician[0], physician[1], "Synthetic General Hospital", "Fictional Road", "SYNMR01", "SYNCT01", "SN-SYN",
        ];
    }

    private static void AssertNoneIn(JsonObject cleaned, IEnumerable<string> identifiers)
    {
        var text = cleaned.ToJsonString();
        foreach (var identifier in identifiers)
            Assert.False(text.Contains(identifier, StringComparison.OrdinalIgnoreCase), $"a planted identifier ({identifier.Length} characters) is in the cleaned sidecar");
    }

    [Theory]
    [InlineData("MR")]
    [InlineData("CT")]
    public void The_basic_profile_leaves_no_planted_identifier_and_keeps_acquisition_parameters_as_dcm2niix_wrote_them(string modality)
    {
        Edit(_corpus.SeriesFolder(modality), $"SeriesDescription=T1 {_patient.GivenName} {_patient.FamilyName} {_patient.PatientId}", "ImageComments=for Dr " + _patient.ReferringPhysician);
        var (sidecar, _) = Dcm2niix(modality);
        // dcm2niix -ba n wrote the identity: the test can fail.
        Assert.Equal(_patient.DicomName, sidecar["PatientName"]!.GetValue<string>());
        Assert.Equal(_patient.PatientId, sidecar["PatientID"]!.GetValue<string>());
        Assert.True(sidecar.ContainsKey("AcquisitionDateTime") && sidecar.ContainsKey("StudyInstanceUID") && sidecar.ContainsKey("InstitutionName"));

        var policy = Options();
        var cleaning = SidecarCleaner.Clean(sidecar, policy, Context(policy));
        var cleaned = cleaning.Sidecar;
        AssertNoneIn(cleaned, PlantedIdentifiers());
        AssertNoneIn(cleaned, [sidecar["StudyInstanceUID"]!.GetValue<string>(), sidecar["SeriesInstanceUID"]!.GetValue<string>()]);

        string[] parameters = modality == "MR"
            ? ["Modality", "MagneticFieldStrength", "ImagingFrequency", "MRAcquisitionType", "ScanningSequence", "SequenceVariant", "ImageType",
               "SliceThickness", "EchoTime", "RepetitionTime", "ConversionSoftware", "ConversionSoftwareVersion", "SeriesNumber", "PatientPosition",
               "ImageOrientationPatientDICOM", "ReconMatrixPE"]
            : ["Modality", "ImageType", "SliceThickness", "ConversionSoftware", "ConversionSoftwareVersion", "SeriesNumber", "PatientPosition",
               "ImageOrientationPatientDICOM"];
        foreach (var key in parameters)
        {
            Assert.True(sidecar.ContainsKey(key), $"dcm2niix wrote no {key}");
            Assert.True(cleaned.ContainsKey(key), $"{key} was not kept");
            Assert.Equal(sidecar[key]!.ToJsonString(), cleaned[key]!.ToJsonString());
        }
        Assert.Equal("ANON-TEST", cleaned["PatientName"]!.GetValue<string>());
        Assert.Equal("ANON-TEST", cleaned["PatientID"]!.GetValue<string>());
        Assert.Matches(@"^2\.25\.\d+$", cleaned["StudyInstanceUID"]!.GetValue<string>());
        foreach (var removed in new[] { "AcquisitionDateTime", "AcquisitionTime", "InstitutionName", "InstitutionAddress", "DeviceSerialNumber",
                     "StationName", "SeriesDescription", "ProtocolName", "ImageComments", "PatientWeight", "ManufacturersModelName" })
            if (sidecar.ContainsKey(removed)) Assert.False(cleaned.ContainsKey(removed), $"{removed} stayed");
        Assert.Equal("", cleaned["PatientBirthDate"]!.GetValue<string>());
        Assert.Equal("pseudonymised", cleaning.Report.ActionOf("PatientName"));
        Assert.Equal("uid replaced", cleaning.Report.ActionOf("SeriesInstanceUID"));
        Assert.Equal("removed", cleaning.Report.ActionOf("InstitutionName"));
        Assert.Equal("kept", cleaning.Report.ActionOf("EchoTime") ?? "kept");
        AssertNoneIn(JsonNode.Parse(JsonSerializer.Serialize(cleaning.Report.Counts))!.AsObject(), PlantedIdentifiers());

        // The leak gate gets every form of the identity that left, and nothing that stayed.
        var leak = NiftiIdentifiers.Collect(null, sidecar, policy);
        foreach (var value in new[] { _patient.DicomName, $"{_patient.GivenName} {_patient.FamilyName}", _patient.PatientId,
                     _patient.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), _patient.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                     sidecar["StudyInstanceUID"]!.GetValue<string>(), "Synthetic General Hospital" })
            Assert.Contains(value, leak.Values);
        Assert.Contains(_patient.FamilyName, leak.NameParts);
        var output = cleaned.ToJsonString();
        Assert.All(leak.Values, v => Assert.DoesNotContain(v, output, StringComparison.OrdinalIgnoreCase));
        Assert.Null(NiftiLeakGate.CheckSidecar(cleaned, leak));
        Assert.NotNull(NiftiLeakGate.CheckSidecar(sidecar, leak));
    }

    [Fact]
    public void Modified_dates_shift_acquisition_dates_by_exactly_the_patients_offset_and_keep_times_of_day()
    {
        var (sidecar, _) = Dcm2niix("MR");
        var policy = Options("retain-longitudinal-modified-dates");
        var context = Context(policy);
        var cleaned = SidecarCleaner.Clean(sidecar, policy, context).Sidecar;

        var before = sidecar["AcquisitionDateTime"]!.GetValue<string>();
        var after = cleaned["AcquisitionDateTime"]!.GetValue<string>();
        Assert.Equal(before[10..], after[10..]);
        var days = DateOnly.ParseExact(after[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber
            - DateOnly.ParseExact(before[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber;
        Assert.NotEqual(0, days);
        Assert.Equal(context.DateShiftDays, days);
        Assert.Equal(sidecar["AcquisitionTime"]!.GetValue<string>(), cleaned["AcquisitionTime"]!.GetValue<string>());
        // The birth date has no option that keeps it (Table E.1-1: Z).
        Assert.Equal("", cleaned["PatientBirthDate"]!.GetValue<string>());
        AssertNoneIn(cleaned, [before[..10], before[..10].Replace("-", "", StringComparison.Ordinal)]);
    }

    [Fact]
    public void Full_dates_keep_dates_and_times_and_the_leak_gate_then_does_not_look_for_them()
    {
        var (sidecar, _) = Dcm2niix("MR");
        var policy = Options("retain-longitudinal-full-dates");
        var cleaned = SidecarCleaner.Clean(sidecar, policy, Context(policy)).Sidecar;
        Assert.Equal(sidecar["AcquisitionDateTime"]!.GetValue<string>(), cleaned["AcquisitionDateTime"]!.GetValue<string>());
        Assert.Equal(sidecar["AcquisitionTime"]!.GetValue<string>(), cleaned["AcquisitionTime"]!.GetValue<string>());
        var date = sidecar["AcquisitionDateTime"]!.GetValue<string>()[..10];
        Assert.DoesNotContain(date, NiftiIdentifiers.Collect(null, sidecar, policy).Values);
        Assert.Contains(date, NiftiIdentifiers.Collect(null, sidecar, Options()).Values);
    }

    [Theory]
    [InlineData("retain-patient-characteristics", new[] { "PatientSex", "PatientWeight" })]
    [InlineData("retain-device-identity", new[] { "DeviceSerialNumber", "StationName", "ManufacturersModelName", "SoftwareVersions" })]
    [InlineData("retain-institution-identity", new[] { "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName" })]
    [InlineData("retain-uids", new[] { "StudyInstanceUID", "SeriesInstanceUID" })]
    public void Each_retain_option_keeps_its_keys_with_dcm2niixs_values_and_only_those(string option, string[] keys)
    {
        var (sidecar, _) = Dcm2niix("MR");
        var without = SidecarCleaner.Clean(sidecar, Options(), Context(Options())).Sidecar;
        var policy = Options(option);
        var with = SidecarCleaner.Clean(sidecar, policy, Context(policy)).Sidecar;
        foreach (var key in keys)
        {
            Assert.True(sidecar.ContainsKey(key), $"dcm2niix wrote no {key}");
            Assert.Equal(sidecar[key]!.ToJsonString(), with[key]!.ToJsonString());
            Assert.False(without.ContainsKey(key) && without[key]!.ToJsonString() == sidecar[key]!.ToJsonString(), $"{key} kept without {option}");
        }
        // Nothing else changes with the option.
        var others = with.Select(kv => kv.Key).Where(k => !keys.Contains(k)).ToList();
        Assert.Equal(without.Select(kv => kv.Key).Where(k => !keys.Contains(k)), others);
        foreach (var key in others) Assert.Equal(without[key]!.ToJsonString(), with[key]!.ToJsonString());
    }

    [Theory]
    [InlineData("retain-safe-private")]
    [InlineData("clean-structured-content")]
    [InlineData("clean-graphics")]
    [InlineData("clean-pixel-data")]
    [InlineData("clean-recognizable-visual-features")]
    public void Options_about_private_attributes_content_trees_graphics_and_pixels_change_nothing_in_a_sidecar(string option)
    {
        var (sidecar, _) = Dcm2niix("MR");
        var basic = SidecarCleaner.Clean(sidecar, Options(), Context(Options())).Sidecar;
        var policy = Options(option);
        Assert.Equal(basic.ToJsonString(), SidecarCleaner.Clean(sidecar, policy, Context(policy)).Sidecar.ToJsonString());
    }

    [Fact]
    public void Clean_descriptors_keeps_descriptions_without_the_patients_identifiers()
    {
        var folder = _corpus.SeriesFolder("MR");
        Edit(folder, $"SeriesDescription=T1 SAG {_patient.FamilyName} {_patient.GivenName}", $"ProtocolName=head {_patient.PatientId} routine");
        var (sidecar, _) = Dcm2niix("MR");
        Assert.Contains(_patient.FamilyName, sidecar["SeriesDescription"]!.GetValue<string>(), StringComparison.Ordinal);
        var without = SidecarCleaner.Clean(sidecar, Options(), Context(Options())).Sidecar;
        Assert.False(without.ContainsKey("SeriesDescription") || without.ContainsKey("ProtocolName"));

        var policy = Options("clean-descriptors");
        var cleaning = SidecarCleaner.Clean(sidecar, policy, Context(policy));
        var description = cleaning.Sidecar["SeriesDescription"]!.GetValue<string>();
        var protocol = cleaning.Sidecar["ProtocolName"]!.GetValue<string>();
        Assert.StartsWith("T1 SAG ", description, StringComparison.Ordinal);
        Assert.StartsWith("head ", protocol, StringComparison.Ordinal);
        Assert.EndsWith(" routine", protocol, StringComparison.Ordinal);
        AssertNoneIn(cleaning.Sidecar, PlantedIdentifiers());
        Assert.Equal("cleaned", cleaning.Report.ActionOf("SeriesDescription"));
    }

    [Fact]
    public void Overrides_by_keyword_apply_to_sidecar_keys()
    {
        var (sidecar, _) = Dcm2niix("MR");
        var policy = Policy(new
        {
            profile = "basic",
            overrides = new object[]
            {
                new { tag = "PatientWeight", action = "keep" },
                new { tag = "ReferringPhysicianName", action = "keep" },
                new { tag = "SeriesDescription", action = "replace", value = "T1 weighted" },
                new { tag = "PatientID", action = "hash" },
                new { tag = "AcquisitionDateTime", action = "shift_date" },
                new { tag = "EchoTime", action = "remove" },
            },
        });
        var context = Context(policy);
        var cleaning = SidecarCleaner.Clean(sidecar, policy, context);
        var cleaned = cleaning.Sidecar;
        Assert.Equal(sidecar["PatientWeight"]!.ToJsonString(), cleaned["PatientWeight"]!.ToJsonString());
        // Kept as it is, though its components are names the cleaner scrubs elsewhere; and the leak gate does not look for it.
        Assert.Equal(_patient.ReferringPhysician, cleaned["ReferringPhysicianName"]!.GetValue<string>());
        Assert.DoesNotContain(_patient.ReferringPhysician, NiftiIdentifiers.Collect(null, sidecar, policy).Values);
        Assert.Equal("T1 weighted", cleaned["SeriesDescription"]!.GetValue<string>());
        var hashed = cleaned["PatientID"]!.GetValue<string>();
        Assert.NotEqual(_patient.PatientId, hashed);
        Assert.NotEqual("ANON-TEST", hashed);
        Assert.Equal(hashed, SidecarCleaner.Clean(sidecar, policy, Context(policy)).Sidecar["PatientID"]!.GetValue<string>());
        var before = DateOnly.ParseExact(sidecar["AcquisitionDateTime"]!.GetValue<string>()[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var after = DateOnly.ParseExact(cleaned["AcquisitionDateTime"]!.GetValue<string>()[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(context.DateShiftDays, after.DayNumber - before.DayNumber);
        Assert.False(cleaned.ContainsKey("EchoTime"));
        Assert.Equal("hashed", cleaning.Report.ActionOf("PatientID"));
        Assert.Equal("replaced", cleaning.Report.ActionOf("SeriesDescription"));
        Assert.Equal("shifted", cleaning.Report.ActionOf("AcquisitionDateTime"));
    }

    [Fact]
    public void Unlisted_keys_go_nested_objects_are_cleaned_key_by_key_and_bids_time_keys_follow_the_date_options()
    {
        var sidecar = JsonNode.Parse($$"""
            {
              "Modality": "MR",
              "FavouriteColour": "{{_patient.FamilyName}}",
              "TaskName": "rest",
              "SliceTiming": [0, 0.5, 1.0],
              "PulseSequenceDetails": "%SiemensSeq%\\tfl for {{_patient.GivenName}} {{_patient.FamilyName}}",
              "AnatomicRegionSequence": [{ "CodeValue": "T-A0100", "CodeMeaning": "Brain", "PatientName": "{{_patient.DicomName}}", "Remark": "x" }],
              "ScanDate": "2022-04-13",
              "TimeZero": "11:18:00",
              "SeriesNumber": "not a number {{_patient.PatientId}}"
            }
            """)!.AsObject();
        var basic = SidecarCleaner.Clean(sidecar, Options(), Context(Options()));
        var cleaned = basic.Sidecar;
        Assert.Equal(["Modality", "SliceTiming", "PulseSequenceDetails", "AnatomicRegionSequence"], cleaned.Select(kv => kv.Key));
        Assert.Equal("[0,0.5,1.0]", cleaned["SliceTiming"]!.ToJsonString());
        Assert.Equal("""%SiemensSeq%\tfl for XXXX XXXX""", cleaned["PulseSequenceDetails"]!.GetValue<string>());
        var region = cleaned["AnatomicRegionSequence"]![0]!.AsObject();
        Assert.Equal("T-A0100", region["CodeValue"]!.GetValue<string>());
        Assert.Equal("Brain", region["CodeMeaning"]!.GetValue<string>());
        Assert.Equal("ANON-TEST", region["PatientName"]!.GetValue<string>());
        Assert.False(region.ContainsKey("Remark"));
        // FavouriteColour, TaskName, ScanDate and TimeZero (no date option), and the nested Remark.
        Assert.Equal(5, basic.Report.Counts[CleaningReport.Unlisted]["removed"]);
        AssertNoneIn(cleaned, PlantedIdentifiers());

        var policy = Options("retain-longitudinal-modified-dates");
        var context = Context(policy);
        var dated = SidecarCleaner.Clean(sidecar, policy, context).Sidecar;
        Assert.Equal(new DateOnly(2022, 4, 13).AddDays(context.DateShiftDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), dated["ScanDate"]!.GetValue<string>());
        Assert.Equal("11:18:00", dated["TimeZero"]!.GetValue<string>());
    }

    [Fact]
    public void A_name_prefix_does_not_scrub_code_strings_or_words_that_equal_it()
    {
        var sidecar = JsonNode.Parse("""
            {"PatientName": "BLOGGS^JOE^^MR", "Modality": "MR", "ScanningSequence": "SE", "PulseSequenceDetails": "MR seq for Joe Bloggs"}
            """)!.AsObject();
        var cleaned = SidecarCleaner.Clean(sidecar, Options(), Context(Options())).Sidecar;
        Assert.Equal("MR", cleaned["Modality"]!.GetValue<string>());
        Assert.Equal("SE", cleaned["ScanningSequence"]!.GetValue<string>());
        Assert.Equal("MR seq for XXXX XXXX", cleaned["PulseSequenceDetails"]!.GetValue<string>());
    }

    [Fact]
    public void The_header_dcm2niix_writes_loses_its_descrip_unless_clean_descriptors_finds_nothing_to_scrub_in_it()
    {
        var (_, nifti) = Dcm2niix("MR");
        var header = NiftiReader.ReadHeader(nifti);
        Assert.Contains("TE=", header.Description, StringComparison.Ordinal);
        var basic = NiftiHeaderCleaner.Clean(header, Options(), Context(Options()));
        Assert.Equal("", basic.Header.Description);
        var policy = Options("clean-descriptors");
        var cleaned = NiftiHeaderCleaner.Clean(header, policy, Context(policy));
        Assert.Equal(header.Description, cleaned.Header.Description);
    }
}
