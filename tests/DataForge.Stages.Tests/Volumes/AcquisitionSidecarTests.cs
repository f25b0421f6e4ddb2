using System.Text.Json;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Store;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Volumes;
using DataForge.Testing;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.Tests.Volumes;

public sealed class AcquisitionSidecarTests : IDisposable
{
    private static readonly byte[] Secret = "test-secret-0123456789abcdef-xyz"u8.ToArray();
    private const string Policy = """{"profile":"basic","options":["retain-longitudinal-modified-dates"]}""";
    private readonly SeriesFixture _corpus = new(slices: 5, matrix: 16);

    public void Dispose() => _corpus.Dispose();

    private BuildResult Build()
    {
        var engine = new BuildEngine(new StoreLayout(_corpus.Root.Path, _corpus.Root.Combine("out")));
        var pipeline = new Pipeline([new EngineSource("raw", _corpus.Root.Combine("raw"))],
            [new DeidentifyStage(["raw"], DeidPolicy.From(JsonDocument.Parse(Policy).RootElement), Secret), new VolumeStage()]);
        return engine.Build(pipeline, new BuildOptions { Jobs = 2 });
    }

    private static void Edit(params string[] arguments)
    {
        var python = Oracle.RequirePython("pydicom");
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "edit_series.py"), .. arguments]);
        Assert.True(run.ExitCode == 0, run.StandardError);
    }

    private JsonElement Dcm2niixSidecar(string folder, string name)
    {
        var dcm2niix = Oracle.Require("dcm2niix");
        var theirs = _corpus.Root.Combine("dcm2niix-" + name);
        Directory.CreateDirectory(theirs);
        var run = Oracle.Run(dcm2niix, ["-b", "y", "-z", "n", "-f", "%s", "-o", theirs, folder]);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        return JsonDocument.Parse(File.ReadAllText(Assert.Single(Directory.GetFiles(theirs, "*.json")))).RootElement;
    }

    private string[] OurSidecars() => Directory.GetFiles(_corpus.Root.Combine("out", "nifti"), "*.json", SearchOption.AllDirectories);

    [Fact]
    public void Sidecar_fields_carry_dcm2niix_names_and_values_and_no_identifier()
    {
        Edit("set", _corpus.SeriesFolder("MR"), "FlipAngle=78", "InversionTime=300", "PixelBandwidth=130", "ScanOptions=FS\\SAT", "ScanningSequence=GR\\IR", "SequenceVariant=SK\\SP\\MP",
            "NumberOfAverages=2", "PercentPhaseFieldOfView=75", "PercentSampling=80", "NumberOfPhaseEncodingSteps=120", "InPlanePhaseEncodingDirection=COL",
            "SAR=0.52", "ReceiveCoilName=HeadNeck_20", "SeriesNumber=7", "AcquisitionNumber=3");
        Edit("set", _corpus.SeriesFolder("CT"), "ConvolutionKernel=B30f", "KVP=120", "XRayTubeCurrent=210", "ExposureTime=500", "Exposure=105");
        var mr = Dcm2niixSidecar(_corpus.SeriesFolder("MR"), "mr");
        var ct = Dcm2niixSidecar(_corpus.SeriesFolder("CT"), "ct");
        Assert.Equal([], Build().Failures.Select(f => f.ToString()));

        var ours = OurSidecars().Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).ToList();
        var ourMr = ours.Single(s => s.GetProperty("Modality").GetString() == "MR");
        var ourCt = ours.Single(s => s.GetProperty("Modality").GetString() == "CT");
        string[] mrKeys = ["Modality", "MagneticFieldStrength", "ImagingFrequency", "MRAcquisitionType", "ScanningSequence", "SequenceVariant",
            "ScanOptions", "ImageType", "SliceThickness", "SpacingBetweenSlices", "EchoTime", "RepetitionTime", "InversionTime", "FlipAngle",
            "PixelBandwidth", "BodyPartExamined", "PatientPosition", "ImageOrientationPatientDICOM",
            "NumberOfAverages", "PercentPhaseFOV", "PercentSampling", "PhaseEncodingSteps", "InPlanePhaseEncodingDirectionDICOM", "SAR",
            "SeriesNumber", "AcquisitionNumber"];
        // (dcm2niix v1.0.20220720 leaves SliceThickness out of a sidecar once the instance has Exposure; the MR series checks it.)
        string[] ctKeys = ["Modality", "ConvolutionKernel", "XRayTubeCurrent", "XRayExposure", "ImageType", "BodyPartExamined", "ImageOrientationPatientDICOM"];
        AssertSameFields(mr, ourMr, mrKeys);
        AssertSameFields(ct, ourCt, ctKeys);
        // Any other key both write agrees too, but for the converter's name and the values the Basic Profile replaces with a dummy (dcm2niix read the originals).
        string[] replaced = ["ManufacturersModelName", "SoftwareVersions", "ConversionSoftware"];
        foreach (var (theirs, mine) in new[] { (mr, ourMr), (ct, ourCt) })
            AssertSameFields(theirs, mine, mine.EnumerateObject().Select(p => p.Name).Where(k => theirs.TryGetProperty(k, out _) && !replaced.Contains(k)).ToArray());

        // dcm2niix copies identifying attributes the policy removed; ours has none of them, nor any value from the originals.
        Assert.True(mr.TryGetProperty("InstitutionName", out _));
        var text = string.Join("\n", OurSidecars().Select(File.ReadAllText));
        foreach (var identifier in new[] { "InstitutionName", "StationName", "DeviceSerialNumber", "SeriesDescription", "ProtocolName", "AcquisitionTime",
                     "Synthetic General Hospital", "SYNMR01", "SN-SYN" })
            Assert.DoesNotContain(identifier, text);
    }

    private static void AssertSameFields(JsonElement theirs, JsonElement ours, string[] keys)
    {
        foreach (var key in keys)
        {
            Assert.True(theirs.TryGetProperty(key, out var expected), $"dcm2niix wrote no {key}");
            Assert.True(ours.TryGetProperty(key, out var actual), $"our sidecar lacks {key}");
            if (expected.ValueKind == JsonValueKind.Number)
                Assert.True(Math.Abs(expected.GetDouble() - actual.GetDouble()) <= 1e-9, $"{key}: dcm2niix {expected}, ours {actual}");
            else if (expected.ValueKind == JsonValueKind.Array)
                Assert.Equal(expected.EnumerateArray().Select(e => e.ToString()), actual.EnumerateArray().Select(e => e.ToString()));
            else Assert.Equal(expected.GetString(), actual.GetString());
        }
    }

    [Fact]
    public void A_series_holding_two_echoes_becomes_two_volumes_named_by_echo_that_match_dcm2niix()
    {
        Edit("echo2", _corpus.SeriesFolder("MR"));
        var folder = _corpus.SeriesFolder("MR");
        Assert.Equal([], Build().Failures.Select(f => f.ToString()));
        var mrVolumes = OurSidecars().Where(f => File.ReadAllText(f).Contains("\"MR\"", StringComparison.Ordinal))
            .Select(f => f[..^".json".Length] + ".nii.gz").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, mrVolumes.Count);
        Assert.EndsWith("_e1.nii.gz", mrVolumes[0]);
        Assert.EndsWith("_e2.nii.gz", mrVolumes[1]);

        var dcm2niix = Oracle.Require("dcm2niix");
        var python = Oracle.RequirePython("nibabel", "numpy");
        var theirs = _corpus.Root.Combine("dcm2niix-echoes");
        Directory.CreateDirectory(theirs);
        var run = Oracle.Run(dcm2niix, ["-z", "n", "-f", "%s", "-o", theirs, folder]);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        // dcm2niix names the echoes NAME_e1 and NAME_e2 when a series holds several.
        var references = Directory.GetFiles(theirs, "*.nii").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, references.Count);
        for (var e = 0; e < 2; e++)
        {
            var compare = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "compare_nifti.py"), mrVolumes[e], references[e]]);
            Assert.True(compare.ExitCode == 0, compare.StandardError);
            var report = JsonDocument.Parse(compare.StandardOutput).RootElement;
            Assert.True(report.GetProperty("values_equal").GetBoolean(), compare.StandardOutput);
            Assert.True(report.GetProperty("max_affine_difference").GetDouble() <= 1e-4, compare.StandardOutput);
        }
        var echoTimes = mrVolumes.Select(v => JsonDocument.Parse(File.ReadAllText(v[..^".nii.gz".Length] + ".json")).RootElement.GetProperty("EchoTime").GetDouble()).ToList();
        Assert.True(echoTimes[1] == 2 * echoTimes[0]);
    }
}
