using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Png;

/// <summary>RGB of more than 8 bits (microscopy, 16-bit photographs) becomes a 16-bit RGB PNG with its samples exact, not a failure.</summary>
public sealed class DeepColourPngTests : IDisposable
{
    private readonly PngProject _p = new(ct: false);

    public void Dispose() => _p.Dispose();

    [SkippableTheory]
    [InlineData(16)]
    [InlineData(12)]
    public void Rgb_of_more_than_8_bits_is_written_as_16_bit_rgb_and_read_back_exactly(int bitsStored)
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        var source = _p.Combine("raw", "2d", "rgb-deep.dcm");
        // pydicom writes the instance: 20x12 RGB of the given bits, a ramp per channel.
        var written = Oracle.Run(python, ["-c", """
            import sys, numpy as np, pydicom
            from pydicom.dataset import Dataset, FileMetaDataset
            from pydicom.uid import ExplicitVRLittleEndian, generate_uid
            bits = int(sys.argv[2])
            y, x = np.mgrid[0:12, 0:20]
            a = np.stack([(x * 997 + y * 31) % (1 << bits), (y * 1013 + x * 7) % (1 << bits), (x * y * 331) % (1 << bits)], axis=-1).astype(np.uint16)
            ds = Dataset()
            ds.file_meta = FileMetaDataset()
            ds.file_meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.7'
            ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
            ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
            ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
            ds.StudyInstanceUID = generate_uid(); ds.SeriesInstanceUID = generate_uid()
            ds.PatientID = 'DEEP-1'; ds.PatientName = 'Deep^Colour'; ds.Modality = 'XC'
            ds.Rows, ds.Columns = 12, 20
            ds.SamplesPerPixel = 3; ds.PhotometricInterpretation = 'RGB'; ds.PlanarConfiguration = 0
            ds.BitsAllocated = 16; ds.BitsStored = bits; ds.HighBit = bits - 1; ds.PixelRepresentation = 0
            ds.PixelData = a.tobytes()
            ds.is_little_endian = True; ds.is_implicit_VR = False
            ds.save_as(sys.argv[1], write_like_original=False)
            np.save(sys.argv[1] + '.npy', a)
            """, source, bitsStored.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(written.ExitCode == 0, written.StandardError);
        File.Move(source + ".npy", _p.Combine("expected.npy"));

        var result = _p.Build("""
            version: 1
            name: deep
            sources:
              - {id: raw, kind: dicom, path: raw}
            deidentify: {profile: basic}
            output: {layout: png}
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var sop = _p.Inputs().Single(i => i.Path == source).Sop;
        var png = Assert.Single(Directory.GetFiles(_p.Combine("out", "png"), sop + ".png", SearchOption.AllDirectories));

        // A PNG reader written here from the specification alone (zlib, filter bytes, big-endian samples, sBIT), since
        // Pillow reads 16-bit RGB as 8-bit: the samples shifted back by 16 - sBIT equal the instance's.
        var check = Oracle.Run(python, ["-c", """
            import struct, sys, zlib, numpy as np
            data = open(sys.argv[1], 'rb').read()
            assert data[:8] == b'\x89PNG\r\n\x1a\n'
            p, idat, sbit = 8, b'', None
            while p < len(data):
                n, kind = struct.unpack('>I4s', data[p:p + 8]); body = data[p + 8:p + 8 + n]; p += 12 + n
                if kind == b'IHDR': w, h, depth, colour = struct.unpack('>IIBB', body[:10])
                elif kind == b'sBIT': sbit = body[0]
                elif kind == b'IDAT': idat += body
            raw = zlib.decompress(idat)
            stride = 6 * w + 1
            assert all(raw[r * stride] == 0 for r in range(h)), 'filter'
            rows = [np.frombuffer(raw[r * stride + 1:(r + 1) * stride], dtype='>u2') for r in range(h)]
            a = np.stack(rows).reshape(h, w, 3).astype(np.uint16) >> (16 - (sbit or 16))
            e = np.load(sys.argv[2])
            print(depth, colour, sbit, bool((a == e).all()))
            """, png, _p.Combine("expected.npy")]);
        Assert.True(check.ExitCode == 0, check.StandardError);
        Assert.Equal($"16 2 {(bitsStored == 16 ? "None" : bitsStored.ToString(System.Globalization.CultureInfo.InvariantCulture))} True", check.StandardOutput.Trim());
        Assert.Contains("\"bit_depth\": 16", File.ReadAllText(Path.ChangeExtension(png, ".json")));
    }
}
