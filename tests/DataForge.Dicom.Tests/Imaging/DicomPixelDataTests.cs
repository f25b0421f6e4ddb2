using System.Security.Cryptography;
using System.Text.Json;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Dicom.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Imaging;

/// <summary>
/// Decoded pixels equal pydicom's pixel_array for native and RLE Lossless data (the JPEG family is held by
/// Codecs.CompressedOracleTests against dcmtk and GDCM, which decode more of it than pydicom here).
/// </summary>
public class DicomPixelDataTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> PydicomPixels = new(() =>
    {
        var script = Path.Combine(Path.GetDirectoryName(PydicomOracle.Script)!, "pydicom_pixels.py");
        var result = Oracle.Run(Oracle.DebianPython, [script, .. OracleFiles.All], timeout: TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0) throw new InvalidOperationException("pydicom_pixels.py failed: " + result.StandardError);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToDictionary(e => e.GetProperty("file").GetString()!, StringComparer.Ordinal);
    });

    public static TheoryData<string> Files() => OracleFiles.Data();

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Native_and_rle_pixels_equal_pydicoms_pixel_array(string name)
    {
        PydicomOracle.Require();
        var path = OracleFiles.Resolve(name);
        DicomFile file;
        try { file = DicomReader.ReadFile(path); }
        catch (DicomFormatException) { Skip.If(true, "rejected file (see the oracle tests)"); return; }
        Skip.IfNot(file.Dataset.Contains(DicomTags.PixelData) && file.Dataset.Contains(DicomTags.Rows), "no image");
        var oracle = PydicomPixels.Value[path];
        var syntax = file.TransferSyntax;
        Skip.If(syntax.IsEncapsulated && syntax != DicomTransferSyntax.RLELossless, "JPEG family: see CompressedOracleTests");
        Skip.IfNot(oracle.GetProperty("ok").GetBoolean(), "pydicom cannot decode this file's pixels: " + (oracle.TryGetProperty("error", out var err) ? err.GetString() : ""));
        var data = DicomPixelData.Create(file);
        var all = new MemoryStream();
        var count = 0;
        for (var f = 0; f < data.NumberOfFrames; f++)
            foreach (var v in data.GetStoredValues(f))
            {
                all.Write(BitConverter.GetBytes((double)v));
                count++;
            }
        Assert.Equal(oracle.GetProperty("count").GetInt32(), count);
        Assert.Equal(oracle.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(all.ToArray())));
    }

    [Fact]
    public void Real_values_apply_rescale_slope_and_intercept()
    {
        var file = DicomReader.Read(DicomFile.Create(SyntheticDatasets.Image(), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.3").ToBytes());
        var pixels = DicomPixelData.Create(file);
        Assert.Equal([-1024.0, -824.0, -624.0], pixels.GetRealValues(0)[..3]);
    }

    [Fact]
    public void One_bit_data_is_unpacked_least_significant_bit_first()
    {
        var ds = new DicomDataset()
            .Add(DicomTags.Rows, (ushort)2).Add(DicomTags.Columns, (ushort)4)
            .Add(DicomTags.BitsAllocated, (ushort)1).Add(DicomTags.BitsStored, (ushort)1).Add(DicomTags.HighBit, (ushort)0)
            .Add(DicomTags.PixelRepresentation, (ushort)0).Add(DicomTags.SamplesPerPixel, (ushort)1)
            .Add(DicomTags.PixelData, DicomVR.OB, [0b1000_0101, 0]);
        var values = DicomPixelData.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).GetStoredValues(0);
        Assert.Equal([1L, 0, 1, 0, 0, 0, 0, 1], values);
    }

    [Theory]
    [InlineData(0, new byte[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData(1, new byte[] { 1, 4, 2, 5, 3, 6 })]
    public void Colour_samples_come_out_interleaved_by_pixel_whatever_the_planar_configuration(int planar, byte[] stored)
    {
        var ds = new DicomDataset()
            .Add(DicomTags.Rows, (ushort)1).Add(DicomTags.Columns, (ushort)2)
            .Add(DicomTags.BitsAllocated, (ushort)8).Add(DicomTags.BitsStored, (ushort)8).Add(DicomTags.HighBit, (ushort)7)
            .Add(DicomTags.PixelRepresentation, (ushort)0).Add(DicomTags.SamplesPerPixel, (ushort)3)
            .Add(DicomTags.PhotometricInterpretation, "RGB").Add(DicomTags.PlanarConfiguration, (ushort)planar)
            .Add(DicomTags.PixelData, DicomVR.OB, stored);
        Assert.Equal([1L, 2, 3, 4, 5, 6], DicomPixelData.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).GetStoredValues(0));
    }

    [Fact]
    public void Signed_samples_are_sign_extended_from_bits_stored()
    {
        var ds = new DicomDataset()
            .Add(DicomTags.Rows, (ushort)1).Add(DicomTags.Columns, (ushort)2)
            .Add(DicomTags.BitsAllocated, (ushort)16).Add(DicomTags.BitsStored, (ushort)12).Add(DicomTags.HighBit, (ushort)11)
            .Add(DicomTags.PixelRepresentation, (ushort)1).Add(DicomTags.SamplesPerPixel, (ushort)1)
            .Add(DicomTags.PixelData, DicomVR.OW, [0xFF, 0x0F, 0x01, 0xF0]);   // 0x0FFF = -1 in 12 bits; 0xF001 masks to 1
        Assert.Equal([-1L, 1], DicomPixelData.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).GetStoredValues(0));
    }

    [Fact]
    public void Thirty_two_bit_unsigned_samples_keep_their_full_range()
    {
        var ds = new DicomDataset()
            .Add(DicomTags.Rows, (ushort)1).Add(DicomTags.Columns, (ushort)1)
            .Add(DicomTags.BitsAllocated, (ushort)32).Add(DicomTags.BitsStored, (ushort)32).Add(DicomTags.HighBit, (ushort)31)
            .Add(DicomTags.PixelRepresentation, (ushort)0).Add(DicomTags.SamplesPerPixel, (ushort)1)
            .Add(DicomTags.PixelData, DicomVR.OW, [0xFF, 0xFF, 0xFF, 0xFF]);
        Assert.Equal([4294967295L], DicomPixelData.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).GetStoredValues(0));
    }
}
