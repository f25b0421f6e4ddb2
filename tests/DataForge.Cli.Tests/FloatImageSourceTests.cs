using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// Floating-point TIFF sources (32-bit by Pillow, re-laid by tiffcp big-endian, tiled and with the floating-point
/// predictor; 64-bit written from TIFF 6.0), every kind of value planted (signed zero, infinities, subnormals, a NaN
/// with a payload), built as a user does: through de-identification into a Parametric Map (dciodvfy, pydicom) and into
/// float TIFF images of layout png (Pillow, libtiff's own decoding), every value bit for bit, then released and verified.
/// </summary>
public sealed class FloatImageSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-cli-float");

    public void Dispose() => _dir.Dispose();

    private const string Script = """
        import json, os, struct, subprocess, sys
        import numpy as np
        from PIL import Image
        root = sys.argv[1]
        os.makedirs(f"{root}/maps", exist_ok=True)
        rng = np.random.default_rng(5)
        h, w = 19, 27
        f32 = (rng.standard_normal((h, w)) * 1e4).astype(np.float32)
        f32.flat[:5] = [-0.0, np.inf, -np.inf, np.float32(1e-44), np.float32(-3.3e38)]
        f32.view(np.uint32).flat[5] = 0x7FA00001   # a signalling NaN with a payload
        Image.fromarray(f32, "F").save(f"{root}/f32.tif")
        out = {}
        for name, args in [("t1_le", ["-c", "none"]), ("t2_be_tiles", ["-B", "-t", "-w", "16", "-l", "16"]), ("adc_pred3", ["-B", "-c", "zip:3", "-r", "4"])]:
            subprocess.run(["tiffcp"] + args + [f"{root}/f32.tif", f"{root}/maps/{name}.tif"], check=True)
            out[name] = f32.astype("<f4").tobytes().hex()
        f64 = rng.standard_normal((h, w)) * 1e200
        f64.flat[:3] = [-0.0, 5e-324, np.nan]
        tags = [(256, 3, w), (257, 3, h), (258, 3, 64), (259, 3, 1), (262, 3, 1), (273, 4, 8), (277, 3, 1), (278, 3, h), (279, 4, f64.nbytes), (339, 3, 3)]
        with open(f"{root}/f64.tif", "wb") as fh:
            fh.write(b"II*\0" + struct.pack("<I", 8 + f64.nbytes) + f64.astype("<f8").tobytes() + struct.pack("<H", len(tags))
                     + b"".join(struct.pack("<HHI", t, ty, 1) + (struct.pack("<HH", v, 0) if ty == 3 else struct.pack("<I", v)) for t, ty, v in tags) + b"\0" * 4)
        subprocess.run(["tiffcp", "-B", "-c", "lzw:3", f"{root}/f64.tif", f"{root}/maps/qmap64.tif"], check=True)
        out["qmap64"] = f64.astype("<f8").tobytes().hex()
        for name in out:
            json.dump({"PatientID": "QM-" + name.upper(), "spacing": [0.00025, 0.0005]}, open(f"{root}/maps/{name}.json", "w"))
        json.dump(out, open(f"{root}/expected.json", "w"))
        """;

    private string Make()
    {
        var python = Oracle.RequirePython("PIL", "numpy", "pydicom");
        Oracle.Require("tiffcp");
        Oracle.Require("tiffinfo");
        _dir.WriteText("make.py", Script);
        var made = Oracle.Run(python, [_dir.Combine("make.py"), _dir.Path]);
        Assert.True(made.ExitCode == 0, made.StandardError);
        return python;
    }

    private string Project(string output)
    {
        var python = Make();
        _dir.WriteText("dataforge.yaml", """
            version: 1
            name: maps
            sources:
              - {id: maps, kind: image, path: maps, fields: {subject: $.PatientID, pixel_spacing: $.spacing}}
            deidentify: {profile: basic}
            output: {path: out, layout: OUTPUT}
            """.Replace("OUTPUT", output, StringComparison.Ordinal));
        var build = CliRunner.Run(_dir.Path, "build", "-j", "2");
        Assert.True(build.ExitCode == 0, build.Out + build.Error);
        Assert.DoesNotContain("failed", build.Out.Replace("0 failed", "", StringComparison.Ordinal), StringComparison.Ordinal);
        return python;
    }

    [SkippableFact]
    public void Float_images_become_Parametric_Maps_that_pass_dciodvfy_and_keep_every_value()
    {
        var python = Project("dicom");
        var files = Directory.GetFiles(_dir.Combine("out", "dicom"), "*.dcm", SearchOption.AllDirectories);
        Assert.Equal(4, files.Length);
        foreach (var file in files)
        {
            var check = Oracle.Run("dciodvfy", [file]);
            var said = check.StandardOutput + check.StandardError;
            Assert.True(!said.Contains("Error", StringComparison.Ordinal) && !said.Contains("Unrecognized defined term", StringComparison.Ordinal), said);
        }
        // pydicom: each instance is a Parametric Map whose (Double) Float Pixel Data is one of the source arrays, bit for bit.
        var read = """
            import json, sys, pydicom
            expected = set(json.load(open(sys.argv[1])).values())
            for f in sys.argv[2:]:
                ds = pydicom.dcmread(f)
                data = ds.FloatPixelData if "FloatPixelData" in ds else ds.DoubleFloatPixelData
                print(ds.SOPClassUID, ds.PatientID.startswith("QM-"), data.hex() in expected)
            """;
        var result = Oracle.Run(python, ["-c", read, _dir.Combine("expected.json"), .. files]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.All(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Equal("1.2.840.10008.5.1.4.1.1.30 False True", l));
    }

    [SkippableFact]
    public void Layout_png_with_format_tiff_writes_the_float_values_bit_for_bit()
    {
        var python = Project("png, png: {format: tiff}");
        var tiffs = Directory.GetFiles(_dir.Combine("out", "png"), "*.tif", SearchOption.AllDirectories);
        Assert.Equal(4, tiffs.Length);
        // libtiff decodes each (tiffinfo -d prints the decoded strips in hex); the bytes are one of the source arrays.
        var expected = System.Text.Json.JsonDocument.Parse(File.ReadAllText(_dir.Combine("expected.json"))).RootElement
            .EnumerateObject().Select(p => p.Value.GetString()!).ToHashSet(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tiff in tiffs)
        {
            var info = Oracle.Run("tiffinfo", ["-d", tiff]);
            Assert.True(info.ExitCode == 0 && info.StandardError.Length == 0, info.StandardError);
            Assert.Contains("Sample Format: IEEE floating point", info.StandardOutput);
            Assert.Contains("Resolution: 20000, 40000 pixels/cm", info.StandardOutput); // 0.5 µm columns, 0.25 µm rows
            var hex = string.Concat(info.StandardOutput.Split('\n').Where(l => l.StartsWith(' ') && l.Trim().Split(' ').All(IsHexByte))
                .SelectMany(l => l.Trim().Split(' ')));
            Assert.Contains(hex, expected);
            found.Add(hex);
        }
        Assert.Equal(expected.Count, found.Count);
        // Pillow reads the 32-bit ones as mode F, every value's bits equal to the source's (it does not open 64-bit float).
        var pillow = """
            import json, struct, sys, numpy as np
            from PIL import Image
            expected = set(json.load(open(sys.argv[1])).values())
            def bits(f):
                b = open(f, "rb").read()
                ifd = struct.unpack_from("<I", b, 4)[0]
                entries = [struct.unpack_from("<HHIH", b, ifd + 2 + 12 * i) for i in range(struct.unpack_from("<H", b, ifd)[0])]
                return next(e[3] for e in entries if e[0] == 258)
            for f in sys.argv[2:]:
                if bits(f) == 32:
                    im = Image.open(f)
                    print(im.mode, np.array(im).astype("<f4").tobytes().hex() in expected)
            """;
        var result = Oracle.Run(python, ["-c", pillow, _dir.Combine("expected.json"), .. tiffs]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(["F True", "F True", "F True"], result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The float maps go through a release (card included) and verify like any image.
        foreach (var args in new[] { new[] { "init", "-q", "-b", "main" }, ["config", "user.name", "T"], ["config", "user.email", "t@example.invalid"] })
            Assert.Equal(0, Oracle.Run("git", args, _dir.Path).ExitCode);
        var release = CliRunner.Run(_dir.Path, "release", "v1", "-m", "maps");
        Assert.True(release.ExitCode == 0, release.Out + release.Error);
        var verify = CliRunner.Run(_dir.Path, "verify", "v1");
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
        Assert.DoesNotContain("QM-", File.ReadAllText(Directory.GetFiles(_dir.Path, "card.md", SearchOption.AllDirectories).Single()), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_float_TIFF_pointing_outside_itself_and_a_broken_RLE_bitmap_fail_alone_with_their_byte_offsets()
    {
        Project("dicom");
        // A float TIFF whose strip offset is moved past the end of the file (tiffcp writes the strip first, then the IFD).
        var tiff = File.ReadAllBytes(_dir.Combine("maps", "t1_le.tif"));
        var ifd = BitConverter.ToInt32(tiff, 4);
        var strip = Enumerable.Range(0, BitConverter.ToUInt16(tiff, ifd)).Select(i => ifd + 2 + 12 * i).Single(at => BitConverter.ToUInt16(tiff, at) == 273) + 8;
        BitConverter.GetBytes(tiff.Length + 777).CopyTo(tiff, strip);
        File.WriteAllBytes(_dir.Combine("maps", "DOE_JOHN_outside.tif"), tiff);
        // A 4x2 RLE8 bitmap (two colours) whose second run passes the end of its row: the record at byte 64.
        var bmp = new byte[62 + 6];
        bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
        BitConverter.GetBytes(62).CopyTo(bmp, 10);
        BitConverter.GetBytes(40).CopyTo(bmp, 14);
        BitConverter.GetBytes(4).CopyTo(bmp, 18);
        BitConverter.GetBytes(2).CopyTo(bmp, 22);
        BitConverter.GetBytes((ushort)1).CopyTo(bmp, 26);
        BitConverter.GetBytes((ushort)8).CopyTo(bmp, 28);
        BitConverter.GetBytes(1).CopyTo(bmp, 30);
        BitConverter.GetBytes(2).CopyTo(bmp, 46);
        new byte[] { 3, 1, 2, 1, 0, 1 }.CopyTo(bmp, 62);
        File.WriteAllBytes(_dir.Combine("maps", "DOE_JOHN_rle.bmp"), bmp);
        foreach (var name in new[] { "DOE_JOHN_outside", "DOE_JOHN_rle" })
            _dir.WriteText(Path.Combine("maps", name + ".json"), """{"PatientID": "QM-BROKEN"}""");
        var build = CliRunner.Run(_dir.Path, "build");
        Assert.Equal(1, build.ExitCode);
        var said = build.Out + build.Error;
        Assert.Contains($"byte {tiff.Length + 777}: page 1: strip 0", said);
        Assert.Contains("byte 64: a run of 2 pixels at column 3 passes the end of its row of 4", said);
        Assert.DoesNotContain("DOE_JOHN", said);
        // The files are decoded where their paths are known (image.files); the rest went on.
        Assert.True(build.Out.Contains("image.files.maps: 12 items: 2 ran, 8 cached, 2 failed", StringComparison.Ordinal), build.Out);
        Assert.Equal(4, Directory.GetFiles(_dir.Combine("out", "dicom"), "*.dcm", SearchOption.AllDirectories).Length);
    }

    [SkippableFact]
    public void Inspect_says_a_float_TIFF_holds_floating_point_samples()
    {
        Make();
        var text = CliRunner.Run(_dir.Path, "inspect", _dir.Combine("maps", "qmap64.tif"));
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("samples     1 x 64 of 64 bits, floating point, MONOCHROME2", text.Out);
        var json = CliRunner.Run(_dir.Path, "inspect", _dir.Combine("maps", "adc_pred3.tif"), "--json");
        Assert.Contains("\"float\": true", json.Out.Replace("\"float\":true", "\"float\": true", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Harmonise_steps_refuse_float_maps_by_name_and_the_rest_of_the_build_goes_on()
    {
        Make();
        _dir.WriteText("dataforge.yaml", """
            version: 1
            name: maps
            sources:
              - {id: maps, kind: image, path: maps, fields: {subject: $.PatientID}}
            deidentify: {profile: basic}
            output: {path: out, layout: png}
            harmonise:
              - crop_or_pad: {shape: [8, 8, 1]}
            """);
        var build = CliRunner.Run(_dir.Path, "build");
        Assert.Equal(1, build.ExitCode);
        Assert.Contains("harmonise steps do not take floating-point images (Parametric Maps) yet", build.Out + build.Error);
        Assert.Contains("deidentify: 4 items: 4 ran, 0 cached, 0 failed", build.Out);
    }

    [SkippableFact]
    public void A_float_map_of_a_DICOM_source_is_a_2D_image_when_its_frames_share_one_plane_and_a_volume_when_not()
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        // Two Parametric Maps by pydicom: one frame, and three frames each at its own position (a volume).
        var script = """
            import sys, numpy as np, pydicom
            from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
            from pydicom.uid import ExplicitVRLittleEndian, generate_uid
            def pm(path, frames, per_frame_positions):
                meta = FileMetaDataset()
                meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.30"
                meta.MediaStorageSOPInstanceUID = generate_uid()
                meta.TransferSyntaxUID = ExplicitVRLittleEndian
                ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
                ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
                ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = generate_uid(), generate_uid(), generate_uid()
                ds.PatientID, ds.PatientName, ds.Modality = "PM-1", "Map^Patient", "MR"
                ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.BitsAllocated = 6, 5, 1, "MONOCHROME2", 32
                ds.NumberOfFrames = frames
                ds.FloatPixelData = np.arange(frames * 30, dtype="<f4").tobytes()
                shared = Dataset()
                if not per_frame_positions:
                    pos = Dataset(); pos.ImagePositionPatient = [0, 0, 0]; shared.PlanePositionSequence = [pos]
                ds.SharedFunctionalGroupsSequence = [shared]
                items = []
                for k in range(frames):
                    item = Dataset()
                    if per_frame_positions:
                        pos = Dataset(); pos.ImagePositionPatient = [0, 0, float(k)]; item.PlanePositionSequence = [pos]
                    items.append(item)
                ds.PerFrameFunctionalGroupsSequence = items
                ds.save_as(path, write_like_original=False)
            pm(sys.argv[1] + "/one.dcm", 1, False)
            pm(sys.argv[1] + "/volume.dcm", 3, True)
            """;
        Directory.CreateDirectory(_dir.Combine("dicom"));
        var made = Oracle.Run(python, ["-c", script, _dir.Combine("dicom")]);
        Assert.True(made.ExitCode == 0, made.StandardError);
        _dir.WriteText("dataforge.yaml", """
            version: 1
            name: maps
            sources:
              - {id: mr, kind: dicom, path: dicom}
            deidentify: {profile: basic}
            output: {path: out, layout: png}
            """);
        var build = CliRunner.Run(_dir.Path, "build");
        Assert.True(build.ExitCode == 0, build.Out + build.Error);
        Assert.Single(Directory.GetFiles(_dir.Combine("out", "png"), "*.png", SearchOption.AllDirectories));
        Assert.Contains("cross-sectional-without-slices", File.ReadAllText(_dir.Combine("out", "png.report.json")));
    }

    private static bool IsHexByte(string s) => s.Length == 2 && s.All(Uri.IsHexDigit);
}
