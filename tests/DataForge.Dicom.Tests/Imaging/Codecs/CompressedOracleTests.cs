using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Dicom.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Imaging.Codecs;

/// <summary>
/// Every compressed file pydicom ships decodes to the pixels that dcmtk (dcmdjpeg, dcmdjpls) or GDCM (gdcmconv --raw)
/// write when they decompress it, read back through DataForge's native path: exactly for the lossless and the
/// near-lossless syntaxes (their decoding is fully specified), within one step for the DCT processes (ITU-T T.83
/// lets compliant IDCTs differ by one). For DCT colour only the first component is compared, without colour
/// conversion (dcmdjpeg +cn): how subsampled chroma is upsampled is the decoder's choice (JpegLibrary repeats it,
/// libjpeg interpolates), so chroma differs near sharp edges by design.
/// </summary>
public class CompressedOracleTests
{
    /// <summary>The tool that decompresses each syntax, and whether a decoder's output is fully specified.</summary>
    private static readonly Dictionary<string, (string Tool, string[] Options, bool Exact)> Oracles = new(StringComparer.Ordinal)
    {
        [DicomTransferSyntax.JPEGBaseline8Bit.Uid] = ("dcmdjpeg", [], false),
        [DicomTransferSyntax.JPEGExtended12Bit.Uid] = ("dcmdjpeg", [], false),
        [DicomTransferSyntax.JPEGLossless.Uid] = ("dcmdjpeg", [], true),
        [DicomTransferSyntax.JPEGLosslessSV1.Uid] = ("dcmdjpeg", [], true),
        [DicomTransferSyntax.JPEGLSLossless.Uid] = ("dcmdjpls", [], true),
        [DicomTransferSyntax.JPEGLSNearLossless.Uid] = ("dcmdjpls", [], true),
        [DicomTransferSyntax.JPEG2000Lossless.Uid] = ("gdcmconv", ["--raw"], true),
        [DicomTransferSyntax.JPEG2000.Uid] = ("gdcmconv", ["--raw"], true),
    };

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var path in OracleFiles.All)
        {
            try
            {
                var file = DicomReader.ReadFile(path);
                if (file.Dataset.Contains(DicomTags.PixelData) && Oracles.ContainsKey(file.TransferSyntax.Uid)) data.Add(OracleFiles.ShortName(path));
            }
            catch (DicomFormatException) { }
        }
        if (data.Count == 0) data.Add("none: python3-pydicom's test files are not installed");
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Compressed_pixels_equal_the_reference_decompressors_output(string name)
    {
        Skip.If(name.StartsWith("none:", StringComparison.Ordinal) && !Oracle.IsCi, name);
        var path = OracleFiles.Resolve(name);
        var compressed = DicomReader.ReadFile(path);
        var (tool, options, exact) = Oracles[compressed.TransferSyntax.Uid];
        var lumaOnly = !exact && tool == "dcmdjpeg" && DicomPixelData.Create(compressed).SamplesPerPixel == 3;
        if (lumaOnly) options = ["+cn"];
        using var temp = new TempDirectory();
        var output = Path.Combine(temp.Path, "raw.dcm");
        var run = Oracle.Run(Oracle.Require(tool), [.. options, path, output]);
        Skip.If(run.ExitCode != 0 || !File.Exists(output), $"{tool} cannot decompress this file either: {run.StandardError.Trim()}");
        var raw = DicomReader.ReadFile(output);
        Assert.False(raw.TransferSyntax.IsEncapsulated);

        var ours = DicomPixelData.Create(compressed);
        var theirs = DicomPixelData.Create(raw);
        Assert.Equal(theirs.NumberOfFrames, ours.NumberOfFrames);
        var toRgb = !lumaOnly && ours.PhotometricInterpretation.StartsWith("YBR_FULL", StringComparison.Ordinal) && theirs.PhotometricInterpretation == "RGB";
        long worst = 0;
        for (var f = 0; f < ours.NumberOfFrames; f++)
        {
            var a = ours.GetStoredValues(f);
            if (toRgb) a = ours.YbrFullToRgb(a);
            var b = theirs.GetStoredValues(f);
            Assert.Equal(b.Length, a.Length);
            for (var i = 0; i < a.Length; i += lumaOnly ? ours.SamplesPerPixel : 1) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        }
        Assert.True(worst <= (exact ? 0 : 1), $"largest difference from {tool}: {worst} (allowed {(exact ? 0 : 1)})");
    }
}
