using System.Text.Json;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Synth.Tests;

public sealed class SynthWriterTests
{
    private static readonly SynthOptions Small = new() { Patients = 2, Slices = 8, Matrix = 32 };

    [Fact]
    public void The_same_options_write_the_same_bytes_whatever_the_parallelism()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        SynthWriter.Write(a.Path, Small, parallelism: 1);
        SynthWriter.Write(b.Path, Small, parallelism: 4);
        var filesA = Relative(a.Path);
        Assert.Equal(filesA, Relative(b.Path));
        foreach (var f in filesA)
            Assert.True(File.ReadAllBytes(Path.Combine(a.Path, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b.Path, f))), f);
    }

    [Fact]
    public void Another_seed_gives_other_identifiers_and_uids()
    {
        Assert.NotEqual(FakePatient.Create(1, 0), FakePatient.Create(2, 0) with { });
        Assert.NotEqual(SynthWriter.Uid(1, "study", 0), SynthWriter.Uid(2, "study", 0));
        Assert.Matches(@"^2\.25\.[1-9][0-9]{0,38}$", SynthWriter.Uid(1, "study", 0));
    }

    [Fact]
    public void Each_patient_gets_a_ct_and_an_mr_series_in_a_folder_named_after_them()
    {
        using var dir = new TempDirectory();
        var summary = SynthWriter.Write(dir.Path, Small);
        Assert.Equal(new SynthSummary(2, 4, 32, summary.Bytes), summary);
        var folders = Directory.GetDirectories(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["DOE_JOHN_SYN107919", "MUSTERMANN_ERIKA_SYN100000"], folders);
    }

    [SkippableFact]
    public void Pydicom_reads_consistent_geometry_identifiers_and_phantom_values()
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        using var dir = new TempDirectory();
        SynthWriter.Write(dir.Path, Small);
        var files = Describe(python, dir.Path);
        Assert.Equal(32, files.Count);
        foreach (var series in files.GroupBy(f => f.GetProperty("series_uid").GetString()))
        {
            var slices = series.OrderBy(f => f.GetProperty("instance").GetInt32()).ToList();
            Assert.Equal(8, slices.Count);
            Assert.Single(slices.Select(s => s.GetProperty("frame_uid").GetString()).Distinct());
            var orientation = Doubles(slices[0], "orientation");
            var normal = Cross(orientation[..3], orientation[3..]);
            var along = slices.Select(s => Dot(Doubles(s, "position"), normal)).ToList();
            var gaps = along.Zip(along.Skip(1), (x, y) => y - x).ToList();
            Assert.All(gaps, g => Assert.Equal(gaps[0], g, 4));
            Assert.True(gaps[0] > 0, "slices advance along the normal");

            var modality = slices[0].GetProperty("modality").GetString();
            var middle = slices[slices.Count / 2];
            if (modality == "CT")
            {
                Assert.Equal(-1000, middle.GetProperty("corner_value").GetDouble(), 10.0);
                Assert.InRange(middle.GetProperty("centre_value").GetDouble(), 20, 60);
            }
            else
            {
                Assert.Equal("MR", modality);
                Assert.InRange(middle.GetProperty("corner_value").GetDouble(), 0, 15);
                Assert.InRange(middle.GetProperty("centre_value").GetDouble(), 150, 950);
            }
            Assert.StartsWith(slices[0].GetProperty("patient_name").GetString()!.Split('^')[0], slices[0].GetProperty("nested_name").GetString());
            Assert.StartsWith("Operator ", slices[0].GetProperty("private_operator").GetString());
        }
        Assert.Contains(files, f => f.GetProperty("patient_name").GetString() == "MUSTERMANN^ERIKA");
    }

    [SkippableTheory]
    [InlineData("implicit-le", "1.2.840.10008.1.2")]
    [InlineData("explicit-be", "1.2.840.10008.1.2.2")]
    [InlineData("deflated", "1.2.840.10008.1.2.1.99")]
    public void Every_supported_transfer_syntax_is_readable_by_pydicom(string name, string uid)
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        using var dir = new TempDirectory();
        SynthWriter.Write(dir.Path, Small with { Patients = 1, Modalities = ["CT"], TransferSyntax = name });
        var files = Describe(python, dir.Path);
        Assert.Equal(8, files.Count);
        Assert.All(files, f => Assert.Equal(uid, f.GetProperty("transfer_syntax").GetString()));
        Assert.All(files, f => Assert.Equal(-1000, f.GetProperty("corner_value").GetDouble(), 10.0));
    }

    [SkippableFact]
    public void Dcm2niix_stacks_each_series_into_one_volume_of_the_expected_shape()
    {
        var dcm2niix = Oracle.Require("dcm2niix");
        var python = Oracle.RequirePython("nibabel");
        using var dir = new TempDirectory();
        using var nifti = new TempDirectory();
        SynthWriter.Write(dir.Path, Small with { Patients = 1 });
        var run = Oracle.Run(dcm2niix, ["-z", "n", "-f", "%m_%s", "-o", nifti.Path, dir.Path]);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        var volumes = Directory.GetFiles(nifti.Path, "*.nii").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, volumes.Count);
        foreach (var v in volumes)
        {
            var shape = Oracle.Run(python, ["-c", "import nibabel,sys; print(nibabel.load(sys.argv[1]).shape)", v]);
            Assert.Equal("(32, 32, 8)", shape.StandardOutput.Trim());
        }
    }

    [SkippableFact]
    public void Dciodvfy_finds_no_error_in_the_ct_and_mr_instances()
    {
        var dciodvfy = Oracle.Require("dciodvfy");
        using var dir = new TempDirectory();
        SynthWriter.Write(dir.Path, Small with { Patients = 1, Slices = 2 });
        foreach (var file in Directory.GetFiles(dir.Path, "IM0001.dcm", SearchOption.AllDirectories))
        {
            var run = Oracle.Run(dciodvfy, ["-new", file]);
            var errors = (run.StandardOutput + run.StandardError).Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 0, string.Join('\n', errors));
        }
    }

    private static List<JsonElement> Describe(string python, string folder)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Oracles", "describe_series.py");
        var run = Oracle.Run(python, [script, folder]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return JsonDocument.Parse(run.StandardOutput).RootElement.EnumerateArray().ToList();
    }

    private static List<string> Relative(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToList();

    private static double[] Doubles(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static double[] Cross(double[] a, double[] b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

    private static double Dot(double[] a, double[] b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
