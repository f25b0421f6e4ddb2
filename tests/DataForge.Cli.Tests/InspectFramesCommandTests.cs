using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// <c>inspect FILE --frames</c> on a three-frame instance dcmcjpls compressed: per-frame fragments, bytes, the byte
/// offset of each codestream in the file (where SOI must be), decoded size and the stored range pydicom reads from the
/// uncompressed original; a damaged frame shows the decoder's reason and fails the command, the others still decode.
/// </summary>
public sealed class InspectFramesCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-frames");

    public void Dispose() => _dir.Dispose();

    /// <summary>A 3-frame Multi-frame Grayscale Word SC of synthetic CT slices, native and dcmcjpls-compressed; returns both paths.</summary>
    private (string Native, string Compressed) MultiFrame()
    {
        var dcmcjpls = Oracle.Require("dcmcjpls");
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 1, Slices = 3, Matrix = 20, Modalities = ["CT"] });
        var slices = Directory.GetFiles(_dir.Combine("raw"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(p => DicomReader.ReadFile(p)).ToList();
        var ds = slices[0].Dataset.Clone();
        ds.Add(DicomTags.NumberOfFrames, "3");
        ds.Add(DicomTags.PixelData, DicomVR.OW, slices.SelectMany(s => s.Dataset.GetElement(DicomTags.PixelData)!.Span.ToArray()).ToArray());
        var native = _dir.Combine("multi.dcm");
        DicomFile.Create(ds, "1.2.840.10008.5.1.4.1.1.7.3", "1.2.826.0.1.3680043.10.1.78").Save(native);
        var compressed = _dir.Combine("multi-jls.dcm");
        Assert.Equal(0, Oracle.Run(dcmcjpls, [native, compressed]).ExitCode);
        return (native, compressed);
    }

    [SkippableFact]
    public void Every_frame_shows_where_its_codestream_is_its_size_and_the_range_pydicom_reads_from_the_original()
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        var (native, compressed) = MultiFrame();
        var result = CliRunner.Run(_dir.Path, "inspect", Path.GetFileName(compressed), "--frames", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        var root = doc.RootElement;
        Assert.Equal(DicomTransferSyntax.JPEGLSLossless.Uid, root.GetProperty("transfer_syntax").GetProperty("uid").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("lossy_compression").ValueKind);
        var ranges = Oracle.Run(python, ["-c", "import sys, pydicom; a = pydicom.dcmread(sys.argv[1]).pixel_array; print(' '.join(f'{f.min()},{f.max()}' for f in a))", native]);
        Assert.True(ranges.ExitCode == 0, ranges.StandardError);
        var expected = ranges.StandardOutput.Trim().Split(' ');
        var bytes = File.ReadAllBytes(compressed);
        var frames = root.GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(3, frames.Count);
        for (var f = 0; f < 3; f++)
        {
            var frame = frames[f];
            Assert.Equal(f + 1, frame.GetProperty("frame").GetInt32());
            Assert.Equal(1, frame.GetProperty("fragments").GetInt32());
            Assert.Equal(20 * 20 * 2, frame.GetProperty("decoded_bytes").GetInt32());
            Assert.Equal(expected[f], $"{frame.GetProperty("min").GetInt64()},{frame.GetProperty("max").GetInt64()}");
            // The offset is where the frame's JPEG-LS codestream starts in the file: SOI (FFD8), and the codestream ends with EOI within its bytes.
            var offset = frame.GetProperty("offset").GetInt32();
            var length = frame.GetProperty("bytes").GetInt32();
            Assert.Equal((byte)0xFF, bytes[offset]);
            Assert.Equal((byte)0xD8, bytes[offset + 1]);
            Assert.Contains(bytes[(offset + length - 3)..(offset + length)], b => b == 0xD9);
            Assert.Equal(JsonValueKind.Null, frame.GetProperty("error").ValueKind);
        }
        // Only technical facts: nothing of the synthetic patient.
        Assert.DoesNotContain("MUSTERMANN", result.Out, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public void A_damaged_frame_shows_the_decoders_reason_and_offset_and_fails_the_command_while_the_others_decode()
    {
        var (_, compressed) = MultiFrame();
        var file = DicomReader.ReadFile(compressed);
        var fragments = (DicomFragmentSequence)file.Dataset.Get(DicomTags.PixelData)!;
        var damaged = fragments.Fragments.Select((f, i) => i == 1 ? f[..(f.Length / 2 & ~1)] : f).ToList();
        // A Basic Offset Table that matches the shortened fragment, so frame 3 is still found.
        var table = new byte[12];
        uint position = 0;
        for (var i = 0; i < 3; i++) { System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * 4), position); position += 8 + (uint)damaged[i].Length; }
        file.Dataset.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, table, damaged));
        file.Save(compressed);

        var text = CliRunner.Run(_dir.Path, "inspect", Path.GetFileName(compressed), "--frames");
        Assert.Equal(1, text.ExitCode);
        var lines = text.Out.Split('\n');
        var frame2 = Assert.Single(lines, l => l.TrimStart().StartsWith("2 ", StringComparison.Ordinal));
        Assert.Contains("error: the JPEG-LS codestream", frame2);
        Assert.Contains("truncated", frame2);
        Assert.Single(lines, l => l.TrimStart().StartsWith("3 ", StringComparison.Ordinal) && !l.Contains("error", StringComparison.Ordinal));
        Assert.Contains("1 of 3 frame(s) do not decode", text.Error);

        using var doc = JsonDocument.Parse(CliRunner.Run(_dir.Path, "inspect", Path.GetFileName(compressed), "--frames", "--json").Out);
        var second = doc.RootElement.GetProperty("frames")[1];
        Assert.Equal(JsonValueKind.Null, second.GetProperty("decoded_bytes").ValueKind);
        var offset = second.GetProperty("offset").GetInt32();
        Assert.Equal([0xFF, 0xD8], File.ReadAllBytes(compressed)[offset..(offset + 2)]);
    }

    [Fact]
    public void Frames_of_a_nifti_file_are_refused_as_a_usage_error()
    {
        _dir.WriteText("volume.nii", "not really");
        var result = CliRunner.Run(_dir.Path, "inspect", "volume.nii", "--frames");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--frames reads DICOM pixel data", result.Error);
    }
}
