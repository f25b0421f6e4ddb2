using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>Clean Pixel Data on RLE Lossless: decoded, blanked, encoded again; pydicom (numpy RLE decoder) judges the pixels.</summary>
public sealed class RlePixelCleaningTests : IDisposable
{
    private const string TestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private readonly TempDirectory _dir = new("dataforge-rle");

    public void Dispose() => _dir.Dispose();

    private static IReadOnlyList<PixelCleaner.Rule> Rules(DicomDataset ds, string regions) =>
        PixelCleaner.From(JsonDocument.Parse($$"""{"profile":"basic","options":["clean-pixel-data"],"burned_in_regions":{{regions}}}""").RootElement).Matching(ds);

    [SkippableTheory]
    [InlineData("MR_small_RLE.dcm", 10, 5, 20, 7)]
    [InlineData("SC_rgb_rle.dcm", 0, 0, 60, 30)]
    [InlineData("SC_rgb_rle_16bit_2frame.dcm", 40, 20, 30, 50)]
    [InlineData("SC_rgb_rle_32bit_2frame.dcm", 5, 60, 90, 20)]
    [InlineData("rtdose_rle.dcm", 2, 3, 4, 5)]
    [InlineData("rtdose_rle_1frame.dcm", 0, 0, 10, 2)]
    public void The_rectangle_is_zero_in_pydicoms_decoding_of_the_output_and_every_other_pixel_is_unchanged(string name, int x, int y, int w, int h)
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        var input = Path.Combine(TestFiles, name);
        Skip.IfNot(File.Exists(input), "pydicom's test files are not installed");
        var file = DicomReader.ReadFile(input);
        Assert.Null(PixelCleaner.Blank(file, Rules(file.Dataset, $"[{{\"region\":[{x},{y},{w},{h}]}}]")));
        Assert.Equal(DicomTransferSyntax.RLELossless, file.TransferSyntax);
        var output = _dir.Combine(name);
        file.Save(output);
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_blanked.py"), input, output, $"{x}", $"{y}", $"{w}", $"{h}"]);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        // The written file says RLE Lossless and holds one fragment per frame behind a Basic Offset Table.
        var dump = Oracle.Run(Oracle.Require("dcmdump"), [output]).StandardOutput;
        Assert.Contains("RLELossless", dump);
    }

    [SkippableFact]
    public void A_rule_outside_the_image_leaves_pydicoms_pixels_identical_after_the_round_trip_through_the_encoder()
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        var input = Path.Combine(TestFiles, "SC_rgb_rle_16bit_2frame.dcm");
        Skip.IfNot(File.Exists(input), "pydicom's test files are not installed");
        var file = DicomReader.ReadFile(input);
        Assert.Null(PixelCleaner.Blank(file, Rules(file.Dataset, """[{"region":[500,500,4,4]}]""")));
        var output = _dir.Combine("same.dcm");
        file.Save(output);
        var script = "import sys, numpy, pydicom; a = pydicom.dcmread(sys.argv[1]).pixel_array; b = pydicom.dcmread(sys.argv[2]).pixel_array; sys.exit(0 if numpy.array_equal(a, b) else 1)";
        var run = Oracle.Run(python, ["-c", script, input, output]);
        Assert.True(run.ExitCode == 0, run.StandardError);
    }

    [SkippableFact]
    public void Compressed_pixel_data_no_decoder_reads_is_refused_plainly()
    {
        var input = Path.Combine(TestFiles, "JPEG-lossy.dcm");
        Skip.IfNot(File.Exists(input), "pydicom's test files are not installed");
        var file = DicomReader.ReadFile(input);
        // Fragments that say MPEG-2: DataForge decodes no video, so it cannot clean the frames.
        file.Meta.Add(DicomTags.TransferSyntaxUID, DicomTransferSyntax.MPEG2.Uid);
        var problem = PixelCleaner.Blank(file, Rules(file.Dataset, """[{"region":[0,0,4,4]}]"""));
        Assert.NotNull(problem);
        Assert.Contains("MPEG2 Main Profile / Main Level pixel data cannot be decoded", problem);
    }
}
