using System.Globalization;
using System.Text;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Imaging.Codecs;

/// <summary>
/// High-Throughput JPEG 2000 codestreams written by OpenJPH's ojph_compress, wrapped as one fragment of an HTJ2K
/// instance: reversible ones (HTJ2K Lossless .201, and .202 with its RPCL progression) decode to the samples of the image
/// given to ojph_compress; an irreversible colour one (YBR_ICT, .203) decodes to RGB like OpenJPH's own ojph_expand.
/// </summary>
public class HighThroughputJpeg2000Tests
{
    [SkippableTheory]
    [InlineData(8, "1.2.840.10008.1.2.4.201", "LRCP")]
    [InlineData(12, "1.2.840.10008.1.2.4.201", "RPCL")]
    [InlineData(16, "1.2.840.10008.1.2.4.201", "RPCL")]
    [InlineData(8, "1.2.840.10008.1.2.4.202", "RPCL")]
    [InlineData(16, "1.2.840.10008.1.2.4.202", "RPCL")]
    public void Reversible_htj2k_decodes_to_the_encoders_input(int bits, string syntax, string order)
    {
        var ojph = Oracle.Require("ojph_compress");
        using var temp = new TempDirectory();
        const int columns = 53, rows = 41;
        var random = new Random(bits);
        var values = new int[columns * rows];
        for (var i = 0; i < values.Length; i++)
            values[i] = Math.Clamp((i % columns) * ((1 << bits) / columns) + random.Next(-20, 21), 0, (1 << bits) - 1);
        // PGM (netpbm): a text header, then samples, two bytes most significant first when maxval > 255.
        var pgm = new MemoryStream();
        pgm.Write(Encoding.ASCII.GetBytes($"P5\n{columns} {rows}\n{(1 << bits) - 1}\n"));
        foreach (var v in values)
        {
            if (bits > 8) pgm.WriteByte((byte)(v >> 8));
            pgm.WriteByte((byte)v);
        }
        var input = Path.Combine(temp.Path, "image.pgm");
        var output = Path.Combine(temp.Path, "image.j2c");
        File.WriteAllBytes(input, pgm.ToArray());
        var run = Oracle.Run(ojph, ["-i", input, "-o", output, "-reversible", "true", "-prog_order", order]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);

        var allocated = bits > 8 ? 16 : 8;
        var ds = new DicomDataset()
            .Add(DicomTags.Rows, (ushort)rows).Add(DicomTags.Columns, (ushort)columns)
            .Add(DicomTags.SamplesPerPixel, (ushort)1).Add(DicomTags.PhotometricInterpretation, "MONOCHROME2")
            .Add(DicomTags.BitsAllocated, (ushort)allocated).Add(DicomTags.BitsStored, (ushort)bits).Add(DicomTags.HighBit, (ushort)(bits - 1))
            .Add(DicomTags.PixelRepresentation, (ushort)0);
        var codestream = File.ReadAllBytes(output);
        if (codestream.Length % 2 == 1) codestream = [.. codestream, 0];   // PS3.5 A.4: fragments have even length
        ds.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, [], [codestream]));
        var file = DicomReader.Read(DicomFile.Create(ds, SyntheticDatasets.SecondaryCaptureSopClass, "1.2.826.0.1.3680043.10.1.7",
            DicomTransferSyntax.FromUid(syntax)).ToBytes());
        Assert.True(file.TransferSyntax.IsKnown);

        var decoded = DicomPixelData.Create(file).GetStoredValues(0);
        Assert.Equal(values.Select(v => (long)v), decoded);
    }

    [SkippableFact]
    public void Irreversible_colour_htj2k_with_the_ict_decodes_to_the_rgb_ojph_expand_gives()
    {
        var ojph = Oracle.Require("ojph_compress");
        var expand = Oracle.Require("ojph_expand");
        using var temp = new TempDirectory();
        const int columns = 47, rows = 33;
        var random = new Random(11);
        var rgb = new byte[columns * rows * 3];
        for (var p = 0; p < columns * rows; p++)
        for (var c = 0; c < 3; c++)
            rgb[p * 3 + c] = (byte)Math.Clamp((p % columns) * (c + 2) + (p / columns) * (4 - c) + random.Next(-15, 16), 0, 255);
        var ppm = new MemoryStream();
        ppm.Write(Encoding.ASCII.GetBytes($"P6\n{columns} {rows}\n255\n"));
        ppm.Write(rgb);
        var input = Path.Combine(temp.Path, "image.ppm");
        var output = Path.Combine(temp.Path, "image.j2c");
        var theirs = Path.Combine(temp.Path, "expanded.ppm");
        File.WriteAllBytes(input, ppm.ToArray());
        // Irreversible with the colour transform: the ICT (PS3.5 8.2.4: Photometric Interpretation YBR_ICT).
        var run = Oracle.Run(ojph, ["-i", input, "-o", output, "-reversible", "false", "-colour_trans", "true", "-qstep", "0.01"]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        run = Oracle.Run(expand, ["-i", output, "-o", theirs]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);

        var ds = new DicomDataset()
            .Add(DicomTags.Rows, (ushort)rows).Add(DicomTags.Columns, (ushort)columns)
            .Add(DicomTags.SamplesPerPixel, (ushort)3).Add(DicomTags.PhotometricInterpretation, "YBR_ICT").Add(DicomTags.PlanarConfiguration, (ushort)0)
            .Add(DicomTags.BitsAllocated, (ushort)8).Add(DicomTags.BitsStored, (ushort)8).Add(DicomTags.HighBit, (ushort)7)
            .Add(DicomTags.PixelRepresentation, (ushort)0);
        var codestream = File.ReadAllBytes(output);
        if (codestream.Length % 2 == 1) codestream = [.. codestream, 0];
        ds.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, [], [codestream]));
        var file = DicomReader.Read(DicomFile.Create(ds, SyntheticDatasets.SecondaryCaptureSopClass, "1.2.826.0.1.3680043.10.1.8",
            DicomTransferSyntax.HTJ2K).ToBytes());
        var decoded = DicomPixelData.Create(file).GetStoredValues(0);

        // ojph_expand's PPM: header of three lines, then the RGB samples. Two implementations of the irreversible
        // wavelet and ICT in floating point may round a sample differently, so one step apart is allowed.
        var expanded = File.ReadAllBytes(theirs);
        var start = 0;
        for (var lines = 0; lines < 3; start++) if (expanded[start] == '\n') lines++;
        var reference = expanded[start..];
        Assert.Equal(rgb.Length, reference.Length);
        var differ = 0;
        for (var i = 0; i < rgb.Length; i++)
        {
            Assert.InRange(decoded[i] - reference[i], -1, 1);
            if (decoded[i] != rgb[i]) differ++;
        }
        Assert.True(differ > 0, "the irreversible coding changed no sample; the test would not tell RGB from YBR_ICT");
        // The decoded samples are RGB: close to the image given to the encoder, not to its luma and chroma.
        Assert.True(Enumerable.Range(0, rgb.Length).Average(i => Math.Abs(decoded[i] - rgb[i])) < 3);
    }
}
