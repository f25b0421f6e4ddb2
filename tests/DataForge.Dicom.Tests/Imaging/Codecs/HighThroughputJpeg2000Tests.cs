using System.Globalization;
using System.Text;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Imaging.Codecs;

/// <summary>
/// High-Throughput JPEG 2000 codestreams written by OpenJPH's ojph_compress (reversible), wrapped as one fragment of
/// an HTJ2K Lossless instance (1.2.840.10008.1.2.4.201), decode to the samples of the image given to ojph_compress.
/// </summary>
public class HighThroughputJpeg2000Tests
{
    [SkippableTheory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(16)]
    public void Reversible_htj2k_decodes_to_the_encoders_input(int bits)
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
        var run = Oracle.Run(ojph, ["-i", input, "-o", output, "-reversible", "true"]);
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
            DicomTransferSyntax.HTJ2KLossless).ToBytes());

        var decoded = DicomPixelData.Create(file).GetStoredValues(0);
        Assert.Equal(values.Select(v => (long)v), decoded);
    }
}
