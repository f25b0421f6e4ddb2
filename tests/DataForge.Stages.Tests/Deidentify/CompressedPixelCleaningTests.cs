using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Store;
using DataForge.Stages.Deidentify;
using DataForge.Synth;
using DataForge.Testing;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>
/// Clean Pixel Data on JPEG, JPEG-LS and JPEG 2000 instances made by dcmtk and GDCM: decoded, blanked, encoded again
/// losslessly. dcmtk and GDCM decode the input (dcmdjpeg, dcmdjpls, gdcmconv --raw), pydicom reads the RLE output and
/// dcmdjpls the JPEG-LS one, and the two must agree everywhere but in the rectangle, which must be zero.
/// </summary>
public sealed class CompressedPixelCleaningTests : IDisposable
{
    private const string TestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private readonly TempDirectory _dir = new("dataforge-compressed-clean");

    public void Dispose() => _dir.Dispose();

    private static IReadOnlyList<PixelCleaner.Rule> Rules(DicomDataset ds, int x, int y, int w, int h) =>
        PixelCleaner.From(JsonDocument.Parse($$"""{"profile":"basic","options":["clean-pixel-data"],"burned_in_regions":[{"region":[{{x}},{{y}},{{w}},{{h}}]}]}""").RootElement).Matching(ds);

    public static TheoryData<string, string, string, string> Lossless() => new()
    {
        // compressor and its options ('|'-separated), decompressor, the syntax the cleaned instance is written in
        { "dcmcjpeg", "+e1", "dcmdjpeg", DicomTransferSyntax.RLELossless.Uid },
        { "dcmcjpeg", "+el|+sv|4", "dcmdjpeg", DicomTransferSyntax.RLELossless.Uid },
        { "dcmcjpls", "", "dcmdjpls", DicomTransferSyntax.JPEGLSLossless.Uid },
        { "dcmcjpls", "+fs|1|-ot", "dcmdjpls", DicomTransferSyntax.JPEGLSLossless.Uid },
        { "gdcmconv", "--j2k", "gdcmconv", DicomTransferSyntax.RLELossless.Uid },
    };

    [SkippableTheory]
    [MemberData(nameof(Lossless))]
    public void A_lossless_CT_slice_is_blanked_and_written_losslessly_in_the_senders_syntax_or_RLE(string compressor, string options, string decompressor, string expected)
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 1, Slices = 2, Matrix = 48, Modalities = ["CT"] });
        var native = Directory.GetFiles(_dir.Combine("raw"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var input = Compress(compressor, options, native);
        Assert.True(DicomReader.ReadFile(input).TransferSyntax.IsEncapsulated);
        Check(python, input, decompressor, expected, (10, 5, 20, 7), tolerance: 0);
    }

    [SkippableTheory]
    [InlineData("SC_rgb_rle.dcm", "dcmcjpls", "", "dcmdjpls")]
    [InlineData("SC_rgb_rle_16bit.dcm", "dcmcjpls", "", "dcmdjpls")]
    [InlineData("SC_rgb_rle.dcm", "gdcmconv", "--j2k", "gdcmconv")]
    [InlineData("SC_rgb_rle.dcm", "dcmcjpeg", "+e1", "dcmdjpeg")]
    public void A_colour_image_is_blanked_in_every_sample(string name, string compressor, string options, string decompressor)
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        var rle = Path.Combine(TestFiles, name);
        Skip.IfNot(File.Exists(rle), "pydicom's test files are not installed");
        var input = Compress(compressor, options, Decompress("dcmdrle", rle, "rgb-native.dcm"));
        var expected = compressor == "dcmcjpls" ? DicomTransferSyntax.JPEGLSLossless.Uid : DicomTransferSyntax.RLELossless.Uid;
        var output = Check(python, input, decompressor, expected, (3, 4, 40, 30), tolerance: 0);
        Assert.Equal("RGB", output.Dataset.GetString(DicomTags.PhotometricInterpretation));
    }

    [SkippableFact]
    public void Lossy_jpeg_is_written_as_RLE_never_lossily_again_and_stays_marked_lossy()
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        var input = Path.Combine(TestFiles, "JPEG-lossy.dcm");
        Skip.IfNot(File.Exists(input), "pydicom's test files are not installed");
        var sent = DicomReader.ReadFile(input);
        Assert.Equal(DicomTransferSyntax.JPEGExtended12Bit, sent.TransferSyntax);
        // ITU-T T.83 lets compliant IDCTs differ by one, so DataForge's decoding may differ from dcmdjpeg's by one.
        var output = Check(python, input, "dcmdjpeg", DicomTransferSyntax.RLELossless.Uid, (20, 30, 50, 16), tolerance: 1);
        Assert.Equal("01", output.Dataset.GetString(DicomTags.LossyImageCompression));
        Assert.Equal("ISO_10918_1", output.Dataset.GetString(DicomTags.LossyImageCompressionMethod));
        Assert.True(output.Dataset.GetNumber(DicomTags.LossyImageCompressionRatio) > 1);
    }

    [SkippableFact]
    public void A_multi_frame_instance_with_an_extended_offset_table_is_cleaned_in_every_frame()
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 1, Slices = 3, Matrix = 32, Modalities = ["CT"] });
        // Three slices as one Multi-frame Grayscale Word SC instance, which dcmcjpeg compresses frame by frame.
        var slices = Directory.GetFiles(_dir.Combine("raw"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(p => DicomReader.ReadFile(p)).ToList();
        var ds = slices[0].Dataset.Clone();
        ds.Add(DicomTags.NumberOfFrames, "3");
        ds.Add(DicomTags.PixelData, DicomVR.OW, slices.SelectMany(s => s.Dataset.GetElement(DicomTags.PixelData)!.Span.ToArray()).ToArray());
        var native = _dir.Combine("multi.dcm");
        DicomFile.Create(ds, "1.2.840.10008.5.1.4.1.1.7.3", "1.2.826.0.1.3680043.10.1.77").Save(native);
        var input = Compress("dcmcjpeg", "+e1", native);
        var compressed = DicomReader.ReadFile(input);
        var fragments = (DicomFragmentSequence)compressed.Dataset.Get(DicomTags.PixelData)!;
        var extended = new byte[fragments.Offsets.Count * 8];
        for (var i = 0; i < fragments.Offsets.Count; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(extended.AsSpan(i * 8), fragments.Offsets[i]);
        compressed.Dataset.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, [], fragments.Fragments));
        compressed.Dataset.Add(DicomTags.ExtendedOffsetTable, DicomVR.OV, extended);
        compressed.Save(input);
        var output = Check(python, input, "dcmdjpeg", DicomTransferSyntax.RLELossless.Uid, (0, 0, 32, 3), tolerance: 0);
        Assert.False(output.Dataset.Contains(DicomTags.ExtendedOffsetTable));
    }

    [SkippableFact]
    public void A_build_publishes_a_covered_compressed_series_and_the_report_says_how_its_pixels_were_written()
    {
        Oracle.Require("dcmcjpeg");
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 1, Slices = 2, Matrix = 16, Modalities = ["CT"] });
        foreach (var path in Directory.GetFiles(_dir.Combine("raw"), "*", SearchOption.AllDirectories))
        {
            var file = DicomReader.ReadFile(path);
            file.Dataset.Add(DicomTags.BurnedInAnnotation, "YES");
            file.Save(path);
            Assert.Equal(0, Oracle.Run(Oracle.Require("dcmcjpeg"), ["+e1", path, path]).ExitCode);
        }
        var config = JsonDocument.Parse("""
            {"profile":"basic","options":["clean-pixel-data"],"burned_in_regions":[{"modality":"CT","region":[0,0,16,2]}]}
            """).RootElement;
        var policy = DeidPolicy.From(config);
        var engine = new BuildEngine(new StoreLayout(_dir.Path, _dir.Combine("out")));
        var result = engine.Build(new Pipeline([new EngineSource("raw", _dir.Combine("raw"))],
            [new DeidentifyStage(["raw"], policy, "pixel-secret-0123456789abcdefghij"u8.ToArray()), new DeidentificationReportStage(policy)]), new BuildOptions { Jobs = 2 });

        Assert.Empty(result.Failures);
        var outputs = Directory.GetFiles(_dir.Combine("out"), "*.dcm", SearchOption.AllDirectories);
        Assert.Equal(2, outputs.Length);
        foreach (var output in outputs)
        {
            var dump = Oracle.Run(Oracle.Require("dcmdump"), [output]).StandardOutput;
            Assert.Contains("(0028,0301) CS [NO]", dump);
            Assert.Contains("=RLELossless", dump);
        }
        using var report = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(_dir.Combine("out"), DeidentificationReportStage.FileName, SearchOption.AllDirectories).Single()));
        var pixels = report.RootElement.GetProperty("attributes").GetProperty("PixelData");
        var outcome = $"blanked, re-encoded from {DicomTransferSyntax.JPEGLosslessSV1.Name} as {DicomTransferSyntax.RLELossless.Name}";
        Assert.Equal(2, pixels.GetProperty(outcome).GetInt32());
    }

    [SkippableFact]
    public void A_damaged_codestream_excludes_the_instance_with_the_frame_and_the_decoders_reason()
    {
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 1, Slices = 2, Matrix = 32, Modalities = ["CT"] });
        var input = Compress("dcmcjpls", "", Directory.GetFiles(_dir.Combine("raw"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First());
        var file = DicomReader.ReadFile(input);
        var fragment = ((DicomFragmentSequence)file.Dataset.Get(DicomTags.PixelData)!).Fragments[0];
        file.Dataset.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, [], [fragment[..(fragment.Length / 2 & ~1)]]));
        var problem = PixelCleaner.Blank(file, Rules(file.Dataset, 0, 0, 4, 4));
        Assert.NotNull(problem);
        Assert.StartsWith("pixel cleaning: frame 1 of 1 (1 fragment(s), ", problem, StringComparison.Ordinal);
        Assert.Contains("truncated", problem, StringComparison.Ordinal);
        Assert.EndsWith("so the instance is excluded", problem, StringComparison.Ordinal);
        // Nothing was changed: the damaged fragment and the syntax are as read.
        Assert.Equal(DicomTransferSyntax.JPEGLSLossless, file.TransferSyntax);
    }

    [SkippableFact]
    public void A_compressed_syntax_whose_pixel_data_holds_no_fragments_is_excluded_plainly()
    {
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 1, Slices = 2, Matrix = 16, Modalities = ["CT"] });
        var input = Compress("dcmcjpls", "", Directory.GetFiles(_dir.Combine("raw"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First());
        var file = DicomReader.ReadFile(input);
        file.Dataset.Add(DicomTags.PixelData, DicomVR.OW, new byte[16 * 16 * 2]);
        var problem = PixelCleaner.Blank(file, Rules(file.Dataset, 0, 0, 4, 4));
        Assert.Equal("pixel cleaning: the transfer syntax is JPEG-LS Lossless Image Compression but Pixel Data holds no fragments (PS3.5 A.4), so the instance is excluded", problem);
    }

    /// <summary>Cleans <paramref name="input"/> and compares the output with the oracle's decoding of the input; returns the output.</summary>
    private DicomFile Check(string python, string input, string decompressor, string expected, (int X, int Y, int W, int H) r, int tolerance)
    {
        var file = DicomReader.ReadFile(input);
        Assert.Null(PixelCleaner.Blank(file, Rules(file.Dataset, r.X, r.Y, r.W, r.H)));
        Assert.Equal(expected, file.TransferSyntax.Uid);
        var output = _dir.Combine("cleaned.dcm");
        file.Save(output);
        var theirs = Decompress(decompressor, input, "input-native.dcm");
        // pydicom reads RLE itself; a JPEG-LS output is decoded by dcmdjpls.
        var ours = expected == DicomTransferSyntax.RLELossless.Uid ? output : Decompress("dcmdjpls", output, "output-native.dcm");
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_blanked.py"), theirs, ours,
            $"{r.X}", $"{r.Y}", $"{r.W}", $"{r.H}", $"{tolerance}"]);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        return DicomReader.ReadFile(output);
    }

    private string Compress(string tool, string options, string native)
    {
        var output = _dir.Combine($"compressed-{Guid.NewGuid():N}.dcm");
        var run = Oracle.Run(Oracle.Require(tool), [.. options.Split('|', StringSplitOptions.RemoveEmptyEntries), native, output]);
        Assert.True(run.ExitCode == 0, $"{tool} failed: {run.StandardError}");
        return output;
    }

    private string Decompress(string tool, string input, string name)
    {
        var output = _dir.Combine(name);
        var run = Oracle.Run(Oracle.Require(tool), tool == "gdcmconv" ? ["--raw", input, output] : [input, output]);
        Assert.True(run.ExitCode == 0, $"{tool} failed: {run.StandardError}");
        return output;
    }
}
