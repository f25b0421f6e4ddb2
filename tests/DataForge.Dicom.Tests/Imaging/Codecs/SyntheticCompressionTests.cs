using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Imaging.Codecs;

/// <summary>
/// Synthetic images compressed by dcmtk and GDCM decode to exactly the stored values of the uncompressed original:
/// single and multi-frame, one or several fragments per frame, Basic Offset Table filled or empty, signed data and
/// Bits Stored below Bits Allocated.
/// </summary>
public class SyntheticCompressionTests
{
    public static TheoryData<string, string, int, int, bool> Cases() => new()
    {
        // tool and options ('|'-separated), frames, bits stored, signed
        { "dcmcjpeg", "+e1", 1, 12, false },
        { "dcmcjpeg", "+e1", 3, 16, false },
        { "dcmcjpeg", "+e1|+fs|1|-ot", 3, 12, true },
        { "dcmcjpeg", "+el|+sv|4", 2, 16, true },
        { "dcmcjpls", "", 1, 12, false },
        { "dcmcjpls", "", 3, 16, true },
        { "dcmcjpls", "+fs|1|-ot", 3, 12, true },
        { "gdcmconv", "--j2k", 1, 16, false },
        { "gdcmconv", "--j2k", 3, 12, true },
        { "dcmcrle", "", 3, 12, true },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Compressed_frames_decode_to_the_originals_stored_values(string tool, string options, int frames, int bitsStored, bool signed)
    {
        var path = Oracle.Require(tool);
        using var temp = new TempDirectory();
        var original = Path.Combine(temp.Path, "native.dcm");
        var compressed = Path.Combine(temp.Path, "compressed.dcm");
        // Multi-frame images are Multi-frame Grayscale Word SC, which GDCM requires before it writes several frames.
        var sopClass = frames == 1 ? SyntheticDatasets.SecondaryCaptureSopClass : "1.2.840.10008.5.1.4.1.1.7.3";
        DicomFile.Create(Image(96, 80, frames, bitsStored, signed), sopClass, "1.2.826.0.1.3680043.10.1.9").Save(original);
        var run = Oracle.Run(path, [.. options.Split('|', StringSplitOptions.RemoveEmptyEntries), original, compressed]);
        Assert.True(run.ExitCode == 0, $"{tool} failed: {run.StandardError}");
        var file = DicomReader.ReadFile(compressed);
        Assert.True(file.TransferSyntax.IsEncapsulated, $"{tool} wrote {file.TransferSyntax.Name}");
        if (options.Contains("+fs", StringComparison.Ordinal))
            Assert.True(((DicomFragmentSequence)file.Dataset.Get(DicomTags.PixelData)!).Fragments.Count > frames, "expected several fragments per frame");

        var theirs = DicomPixelData.Create(DicomReader.ReadFile(original));
        var ours = DicomPixelData.Create(file);
        Assert.Equal(frames, ours.NumberOfFrames);
        for (var f = 0; f < frames; f++) Assert.Equal(theirs.GetStoredValues(f), ours.GetStoredValues(f));
    }

    [SkippableTheory]
    [InlineData(1, 0, 16, true)]
    [InlineData(2, 0, 16, true)]
    [InlineData(3, 0, 12, false)]
    [InlineData(4, 0, 16, false)]
    [InlineData(5, 0, 16, true)]
    [InlineData(6, 0, 12, true)]
    [InlineData(6, 0, 16, false)]
    [InlineData(7, 0, 16, true)]
    [InlineData(7, 0, 8, false)]
    [InlineData(2, 0, 2, false)]
    [InlineData(1, 1, 16, false)]
    [InlineData(6, 2, 12, false)]
    [InlineData(7, 3, 16, true)]
    public void Jpeg_lossless_of_every_selection_value_and_point_transform_decodes_as_dcmdjpeg_decodes_it(int selectionValue, int pointTransform, int bitsStored, bool signed)
    {
        var encode = Oracle.Require("dcmcjpeg");
        var decode = Oracle.Require("dcmdjpeg");
        using var temp = new TempDirectory();
        var original = Path.Combine(temp.Path, "native.dcm");
        var compressed = Path.Combine(temp.Path, "compressed.dcm");
        var decoded = Path.Combine(temp.Path, "decoded.dcm");
        DicomFile.Create(Image(67, 41, 2, bitsStored, signed), "1.2.840.10008.5.1.4.1.1.7.3", "1.2.826.0.1.3680043.10.1.9").Save(original);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var run = Oracle.Run(encode, ["+el", "+sv", selectionValue.ToString(invariant), "+pt", pointTransform.ToString(invariant), original, compressed]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.True(Oracle.Run(decode, [compressed, decoded]).ExitCode == 0);

        var theirs = DicomPixelData.Create(DicomReader.ReadFile(decoded));
        var ours = DicomPixelData.Create(DicomReader.ReadFile(compressed));
        var source = DicomPixelData.Create(DicomReader.ReadFile(original));
        for (var f = 0; f < 2; f++)
        {
            Assert.Equal(theirs.GetStoredValues(f), ours.GetStoredValues(f));
            // Without a point transform the process is lossless: the original's values come back.
            if (pointTransform == 0) Assert.Equal(source.GetStoredValues(f), ours.GetStoredValues(f));
        }
    }

    [SkippableFact]
    public void A_damaged_lossless_codestream_of_another_predictor_fails_with_its_byte_offset_never_a_crash()
    {
        var encode = Oracle.Require("dcmcjpeg");
        using var temp = new TempDirectory();
        var original = Path.Combine(temp.Path, "native.dcm");
        var compressed = Path.Combine(temp.Path, "compressed.dcm");
        DicomFile.Create(Image(32, 24, 1, 16, false), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.826.0.1.3680043.10.1.9").Save(original);
        Assert.Equal(0, Oracle.Run(encode, ["+el", "+sv", "5", original, compressed]).ExitCode);
        var file = DicomReader.ReadFile(compressed);
        var fragments = (DicomFragmentSequence)file.Dataset.Get(DicomTags.PixelData)!;
        var codestream = fragments.Fragments[0].ToArray();
        var random = new Random(5);
        var failures = 0;
        for (var round = 0; round < 300; round++)
        {
            var damaged = (byte[])codestream.Clone();
            if (round % 3 == 0) damaged = damaged[..random.Next(4, damaged.Length)];
            else for (var k = 0; k < 1 + round % 4; k++) damaged[random.Next(2, damaged.Length)] ^= (byte)(1 << random.Next(8));
            file.Dataset.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, [], [damaged]));
            try { DicomPixelData.Create(file).GetStoredValues(0); }
            catch (DicomFormatException e)
            {
                failures++;
                Assert.Contains("JPEG", e.Message);
            }
            catch (NotSupportedException) { failures++; }
        }
        // Most damage is seen; what is not decodes to some image of the right size (a flipped bit in a difference is still a difference).
        Assert.True(failures > 100, $"only {failures} of 300 damaged codestreams were refused");
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    public void Frames_are_found_by_the_extended_offset_table(int shift)
    {
        var path = Oracle.Require("dcmcjpls");
        using var temp = new TempDirectory();
        var original = Path.Combine(temp.Path, "native.dcm");
        var compressed = Path.Combine(temp.Path, "compressed.dcm");
        DicomFile.Create(Image(40, 30, 3, 12, true), "1.2.840.10008.5.1.4.1.1.7.3", "1.2.826.0.1.3680043.10.1.9").Save(original);
        Assert.Equal(0, Oracle.Run(path, [original, compressed]).ExitCode);
        var file = DicomReader.ReadFile(compressed);
        // The Basic Offset Table dcmcjpls wrote moves to the Extended Offset Table (PS3.3 C.7.6.3.1.8), shifted on demand.
        var fragments = (DicomFragmentSequence)file.Dataset.Get(DicomTags.PixelData)!;
        var extended = new byte[fragments.Offsets.Count * 8];
        for (var i = 0; i < fragments.Offsets.Count; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(extended.AsSpan(i * 8), fragments.Offsets[i] + (ulong)(i > 0 ? shift : 0));
        Assert.Equal(3, fragments.Offsets.Count);
        file.Dataset.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, [], fragments.Fragments));
        file.Dataset.Add(DicomTags.ExtendedOffsetTable, DicomVR.OV, extended);

        var ours = DicomPixelData.Create(file);
        if (shift == 0)
        {
            var theirs = DicomPixelData.Create(DicomReader.ReadFile(original));
            for (var f = 0; f < 3; f++) Assert.Equal(theirs.GetStoredValues(f), ours.GetStoredValues(f));
        }
        else
        {
            var e = Assert.Throws<DicomFormatException>(() => ours.GetStoredValues(1));
            Assert.Contains("Extended Offset Table", e.Message);
        }
    }

    [SkippableTheory]
    [InlineData("dcmcjpeg", "+e1", 0)]
    [InlineData("dcmcjpeg", "+e1", 1)]
    [InlineData("dcmcjpls", "+il", 0)]
    [InlineData("dcmcjpls", "+is", 0)]
    [InlineData("dcmcjpls", "+in", 1)]
    [InlineData("gdcmconv", "--j2k", 0)]
    [InlineData("gdcmconv", "--j2k", 1)]
    public void Rgb_frames_decode_to_the_originals_samples_interleaved_by_pixel(string tool, string options, int planar)
    {
        var path = Oracle.Require(tool);
        using var temp = new TempDirectory();
        var original = Path.Combine(temp.Path, "native.dcm");
        var compressed = Path.Combine(temp.Path, "compressed.dcm");
        DicomFile.Create(Rgb(45, 37, planar), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.826.0.1.3680043.10.1.9").Save(original);
        var run = Oracle.Run(path, [.. options.Split('|', StringSplitOptions.RemoveEmptyEntries), original, compressed]);
        Assert.True(run.ExitCode == 0, $"{tool} failed: {run.StandardError}");
        var file = DicomReader.ReadFile(compressed);
        Assert.True(file.TransferSyntax.IsEncapsulated);
        var theirs = DicomPixelData.Create(DicomReader.ReadFile(original)).GetStoredValues(0);
        var ours = DicomPixelData.Create(file);
        Assert.Equal("RGB", ours.PhotometricInterpretation);
        Assert.Equal(theirs, ours.GetStoredValues(0));
    }

    [SkippableTheory]
    [InlineData(2, 12, false)]
    [InlineData(3, 16, false)]   // dcmcjpls refuses signed data for near-lossless
    public void Near_lossless_jpeg_ls_decodes_like_dcmdjpls_and_within_NEAR_of_the_original(int near, int bitsStored, bool signed)
    {
        var encoder = Oracle.Require("dcmcjpls");
        var decoder = Oracle.Require("dcmdjpls");
        using var temp = new TempDirectory();
        var original = Path.Combine(temp.Path, "native.dcm");
        var compressed = Path.Combine(temp.Path, "compressed.dcm");
        var theirs = Path.Combine(temp.Path, "dcmdjpls.dcm");
        DicomFile.Create(Image(50, 40, 2, bitsStored, signed), "1.2.840.10008.5.1.4.1.1.7.3", "1.2.826.0.1.3680043.10.1.9").Save(original);
        Assert.Equal(0, Oracle.Run(encoder, ["+en", "+md", near.ToString(System.Globalization.CultureInfo.InvariantCulture), original, compressed]).ExitCode);
        Assert.Equal(0, Oracle.Run(decoder, [compressed, theirs]).ExitCode);
        var file = DicomReader.ReadFile(compressed);
        Assert.Equal(DicomTransferSyntax.JPEGLSNearLossless, file.TransferSyntax);

        var ours = DicomPixelData.Create(file);
        var reference = DicomPixelData.Create(DicomReader.ReadFile(theirs));
        var source = DicomPixelData.Create(DicomReader.ReadFile(original));
        var changed = 0;
        for (var f = 0; f < 2; f++)
        {
            var decoded = ours.GetStoredValues(f);
            Assert.Equal(reference.GetStoredValues(f), decoded);
            var before = source.GetStoredValues(f);
            for (var i = 0; i < decoded.Length; i++)
            {
                Assert.InRange(decoded[i] - before[i], -near, near);
                if (decoded[i] != before[i]) changed++;
            }
        }
        Assert.True(changed > 0, "the near-lossless encoding changed no sample; the test would not see a wrong NEAR");
    }

    /// <summary>An 8-bit RGB image whose three samples differ everywhere, stored by pixel or by plane.</summary>
    private static DicomDataset Rgb(int columns, int rows, int planar)
    {
        var ds = SyntheticDatasets.Image();
        ds.Add(DicomTags.Rows, (ushort)rows).Add(DicomTags.Columns, (ushort)columns)
            .Add(DicomTags.SamplesPerPixel, (ushort)3).Add(DicomTags.PhotometricInterpretation, "RGB")
            .Add(DicomTags.PlanarConfiguration, (ushort)planar)
            .Add(DicomTags.BitsAllocated, (ushort)8).Add(DicomTags.BitsStored, (ushort)8).Add(DicomTags.HighBit, (ushort)7);
        ds.Remove(DicomTags.RescaleSlope);
        ds.Remove(DicomTags.RescaleIntercept);
        var random = new Random(planar + 5);
        var pixels = new byte[columns * rows * 3];
        for (var p = 0; p < columns * rows; p++)
        for (var c = 0; c < 3; c++)
        {
            var value = (byte)Math.Clamp((p % columns) * (c + 1) * 2 + (p / columns) * (3 - c) * 3 + random.Next(-10, 11), 0, 255);
            pixels[planar == 0 ? p * 3 + c : c * columns * rows + p] = value;
        }
        ds.Add(DicomTags.PixelData, DicomVR.OB, pixels);
        return ds;
    }

    /// <summary>A smooth ramp with noise across the whole stored range (negative too when signed), different per frame.</summary>
    internal static DicomDataset Image(int columns, int rows, int frames, int bitsStored, bool signed)
    {
        var ds = SyntheticDatasets.Image();
        ds.Add(DicomTags.Rows, (ushort)rows).Add(DicomTags.Columns, (ushort)columns)
            .Add(DicomTags.BitsStored, (ushort)bitsStored).Add(DicomTags.HighBit, (ushort)(bitsStored - 1))
            .Add(DicomTags.PixelRepresentation, (ushort)(signed ? 1 : 0));
        if (frames > 1) ds.Add(DicomTags.NumberOfFrames, frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var random = new Random(bitsStored * 31 + frames);
        long min = signed ? -(1L << (bitsStored - 1)) : 0, span = 1L << bitsStored;
        var pixels = new byte[columns * rows * frames * 2];
        for (var f = 0; f < frames; f++)
        for (var y = 0; y < rows; y++)
        for (var x = 0; x < columns; x++)
        {
            var ramp = (x * 7 + y * 13 + f * 1000) * span / (columns * 7 + rows * 13 + 3000);
            var value = min + Math.Clamp(ramp + random.Next(-40, 41), 0, span - 1);
            // The unused high bits stay zero for unsigned data and carry the sign for signed data, as writers do.
            BitConverter.TryWriteBytes(pixels.AsSpan(((f * rows + y) * columns + x) * 2), (ushort)(short)value);
        }
        ds.Add(DicomTags.PixelData, DicomVR.OW, pixels);
        return ds;
    }
}
