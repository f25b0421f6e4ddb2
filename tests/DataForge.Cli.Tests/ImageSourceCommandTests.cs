using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// A mixed project, DICOM CR (pydicom) and PNG, TIFF and BMP exports of the same patients (Pillow, exiftool) with
/// identifiers planted in text chunks, TIFF tags, EXIF, XMP, sidecars, a table and file names, used as a user does:
/// build, release, change a sidecar, build, release, verify, diff.
/// </summary>
public sealed class ImageSourceCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-cli-images");

    public void Dispose() => _dir.Dispose();

    private const string Manifest = """
        version: 1
        name: images
        sources:
          - {id: cr, kind: dicom, path: dicom}
          - id: json
            kind: image
            path: json
            fields: {subject: $.PatientID, view: $.view, laterality: $.side, pixel_spacing: $.spacing}
          - id: xml
            kind: image
            path: xml
            fields: {subject: /meta/patient/@id, study: /meta/study, modality: /meta/modality, pixel_spacing: /meta/spacing}
          - id: table
            kind: image
            path: table
            metadata: table.csv
            fields: {subject: patient}
        deidentify: {profile: basic}
        output: {path: out, layout: LAYOUT}
        """;

    private string Write(string layout)
    {
        var python = Oracle.RequirePython("PIL", "numpy", "pydicom");
        Oracle.Require("exiftool");
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "DataForge.Cli.Tests", "Oracles", "write_image_project.py");
        var written = Oracle.Run(python, [script, _dir.Path]);
        Assert.True(written.ExitCode == 0, written.StandardError);
        _dir.WriteText("dataforge.yaml", Manifest.Replace("LAYOUT", layout));
        return python;
    }

    [SkippableFact]
    public void No_planted_identifier_survives_and_one_patient_has_one_pseudonym_across_DICOM_and_images()
    {
        var python = Write("png");
        var planted = JsonSerializer.Deserialize<string[]>(File.ReadAllText(_dir.Combine("planted.json")))!;
        Assert.True(planted.Length >= 20);
        var build = CliRunner.Run(_dir.Path, "build", "-j", "2");
        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Contains("image.dicom: 4 items: 4 ran, 0 cached, 0 failed", build.Out);
        // Two patients: each has its CR and its exports under one pseudonym.
        var patients = Directory.GetDirectories(_dir.Combine("out", "png"));
        Assert.Equal(2, patients.Length);
        Assert.All(patients, p => Assert.Equal(3, Directory.GetFiles(p, "*.png", SearchOption.AllDirectories).Length));
        // The exports' pixels come out as Pillow reads them from the sources (8-bit grey, RGB, BMP).
        var pixels = Oracle.Run(python, [Path.Combine(TestData.RepositoryRoot, "tests", "DataForge.Cli.Tests", "Oracles", "check_image_pixels.py"), _dir.Path, _dir.Combine("out")]);
        Assert.True(pixels.ExitCode == 0, pixels.StandardOutput + pixels.StandardError);
        Assert.Equal("3", pixels.StandardOutput.Trim());

        // The report counts each field the sources held and the instances left out, never a value.
        using var report = JsonDocument.Parse(File.ReadAllBytes(_dir.Combine("out", "deidentification.json")));
        var attributes = report.RootElement.GetProperty("attributes");
        foreach (var field in new[] { "PNG-tEXt:Author", "PNG-iTXt:Description", "PNG-zTXt:Comment", "PNG-tEXt:(other keyword)", "Exif IFD0:Artist",
                     "Exif IFD0:Host Computer", "Exif IFD0:Document Name", "XMP:dc:creator", "sidecar:(other key)" })
            Assert.True(attributes.TryGetProperty(field, out var f) && f.GetProperty("left_out").GetInt32() >= 1, field);
        Assert.Equal(1, attributes.GetProperty("sidecar:PatientName").GetProperty("to_dicom").GetInt32());

        foreach (var args in new[] { new[] { "init", "-q", "-b", "main" }, ["config", "user.name", "T"], ["config", "user.email", "t@example.invalid"] })
            Assert.Equal(0, Oracle.Run("git", args, _dir.Path).ExitCode);
        var release = CliRunner.Run(_dir.Path, "release", "v1", "-m", "first");
        Assert.True(release.ExitCode == 0, release.Error);
        var status = CliRunner.Run(_dir.Path, "status", "--json");
        var log = Oracle.Run("git", ["log", "-p", "--all"], _dir.Path);
        var texts = new[] { build.Out, build.Error, release.Out, release.Error, status.Out, status.Error, log.StandardOutput };
        var files = Directory.GetFiles(_dir.Combine("out"), "*", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(_dir.Combine("releases"), "*", SearchOption.AllDirectories)).ToList();
        foreach (var value in planted)
        {
            Assert.All(texts, t => Assert.DoesNotContain(value, t, StringComparison.OrdinalIgnoreCase));
            foreach (var file in files)
                Assert.False(File.ReadAllText(file).Contains(value, StringComparison.OrdinalIgnoreCase), $"{value} in {Path.GetRelativePath(_dir.Path, file)}");
        }
    }

    [SkippableFact]
    public void A_changed_sidecar_rebuilds_its_image_and_both_releases_verify_and_differ_in_it()
    {
        Write("coco");
        Assert.True(CliRunner.Run(_dir.Path, "build").ExitCode == 0);
        foreach (var args in new[] { new[] { "init", "-q", "-b", "main" }, ["config", "user.name", "T"], ["config", "user.email", "t@example.invalid"] })
            Assert.Equal(0, Oracle.Run("git", args, _dir.Path).ExitCode);
        Assert.Equal(0, CliRunner.Run(_dir.Path, "release", "v1", "-m", "first").ExitCode);
        // One COCO image list over the DICOM CR and the exports.
        var annotations = Directory.GetFiles(_dir.Combine("out", "coco", "annotations"), "*.json");
        Assert.Equal(6, annotations.Sum(f => JsonDocument.Parse(File.ReadAllBytes(f)).RootElement.GetProperty("images").GetArrayLength()));

        var sidecar = Directory.GetFiles(_dir.Combine("json"), "chest_pa.json", SearchOption.AllDirectories).Single();
        File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace("[0.2, 0.25]", "[0.3, 0.3]", StringComparison.Ordinal));
        var rebuild = CliRunner.Run(_dir.Path, "build");
        Assert.True(rebuild.ExitCode == 0, rebuild.Error);
        Assert.Contains("image.dicom: 4 items: 1 ran, 3 cached, 0 failed", rebuild.Out);
        Assert.Equal(0, CliRunner.Run(_dir.Path, "release", "v2", "-m", "spacing").ExitCode);
        var verify = CliRunner.Run(_dir.Path, "verify", "v2");
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
        // v1 was made from the sidecar as it was: verify names the changed source (by hash) instead of passing.
        var old = CliRunner.Run(_dir.Path, "verify", "v1");
        Assert.Equal(1, old.ExitCode);
        Assert.Contains("changed source: json", old.Out);
        var diff = CliRunner.Run(_dir.Path, "diff", "v1", "v2", "--json");
        Assert.Equal(0, diff.ExitCode);
        Assert.Contains("changed", diff.Out);
    }

    [SkippableFact]
    public void A_truncated_PNG_and_a_TIFF_pointing_outside_itself_fail_alone_with_their_byte_offsets()
    {
        Write("png");
        var photo = _dir.Combine("json", "photo_rgb.png");
        File.WriteAllBytes(_dir.Combine("json", "DOE_JANE_cut.png"), File.ReadAllBytes(photo)[..300]);
        // A TIFF copied from the source with its first strip offset moved past the end of the file.
        var tiff = File.ReadAllBytes(_dir.Combine("xml", "scan_01.tif"));
        var strip = OffsetEntry(tiff);
        BitConverter.GetBytes(tiff.Length + 5000).CopyTo(tiff, strip);
        File.WriteAllBytes(_dir.Combine("xml", "outside.tif"), tiff);
        var build = CliRunner.Run(_dir.Path, "build");
        Assert.Equal(1, build.ExitCode);
        Assert.Contains("not a readable PNG image: byte 300: the file ends inside chunk", build.Out + build.Error);
        Assert.Contains($"not a readable TIFF image: byte {tiff.Length + 5000}: page 1: strip 0", build.Out + build.Error);
        Assert.Contains("lies outside the file", build.Out + build.Error);
        Assert.DoesNotContain("DOE_JANE", build.Out + build.Error);
        // The other images went on.
        Assert.Contains("image.dicom: 4 items: 4 ran, 0 cached, 0 failed", build.Out);
        Assert.Equal(6, Directory.GetFiles(_dir.Combine("out", "png"), "*.png", SearchOption.AllDirectories).Length);
    }

    // Where the value of StripOffsets (tag 273) sits in a little-endian classic TIFF's first IFD.
    private static int OffsetEntry(byte[] tiff)
    {
        var ifd = BitConverter.ToInt32(tiff, 4);
        int count = BitConverter.ToUInt16(tiff, ifd);
        for (var i = 0; i < count; i++)
        {
            var at = ifd + 2 + 12 * i;
            if (BitConverter.ToUInt16(tiff, at) == 273 && BitConverter.ToInt32(tiff, at + 4) == 1) return at + 8;
        }
        throw new InvalidOperationException("the TIFF has no single StripOffsets value");
    }

    [SkippableFact]
    public void Inspect_shows_every_metadata_block_of_an_image_and_redacts_its_text_on_request()
    {
        Write("png");
        var planted = JsonSerializer.Deserialize<string[]>(File.ReadAllText(_dir.Combine("planted.json")))!;
        foreach (var (file, values) in new[]
                 {
                     ("json/photo_rgb.png", new[] { "Exif-Artist-Planted", "Xmp-Creator-Planted" }),
                     ("xml/scan_01.tif", ["Tech Planted-Artist", "WS-PLANTED-HOST", "Private-Tag-Planted", "Planted-Document-Name"]),
                 })
        {
            var shown = CliRunner.Run(_dir.Path, "inspect", file);
            Assert.True(shown.ExitCode == 0, shown.Error);
            Assert.All(values, v => Assert.Contains(v, shown.Out));
            var redacted = CliRunner.Run(_dir.Path, "inspect", file, "--redact", "--json");
            Assert.Equal(0, redacted.ExitCode);
            Assert.All(planted, v => Assert.DoesNotContain(v, redacted.Out, StringComparison.OrdinalIgnoreCase));
            using var doc = JsonDocument.Parse(redacted.Out);
            Assert.Contains(doc.RootElement.GetProperty("metadata").EnumerateArray(), f => f.GetProperty("value").GetString()!.StartsWith("(redacted: ", StringComparison.Ordinal));
        }
        var png = CliRunner.Run(_dir.Path, "inspect", Directory.GetFiles(_dir.Combine("json"), "chest_pa.png", SearchOption.AllDirectories).Single(), "--redact");
        Assert.Contains("PNG-tEXt:Author = (redacted: ", png.Out);
        Assert.Contains("PNG-tEXt:(other keyword) = (redacted: ", png.Out);
        Assert.DoesNotContain("PatientName", png.Out);
        var tif = CliRunner.Run(_dir.Path, "inspect", "xml/scan_01.tif", "--json");
        using (var facts = JsonDocument.Parse(tif.Out))
        {
            Assert.Equal("TIFF", facts.RootElement.GetProperty("format").GetString());
            Assert.Equal(16, facts.RootElement.GetProperty("bits_stored").GetInt32());
        }
    }

    [SkippableFact]
    public void The_de_identified_Secondary_Capture_instances_of_the_dicom_layout_pass_dciodvfy()
    {
        Write("dicom");
        var dciodvfy = Oracle.Require("dciodvfy");
        var build = CliRunner.Run(_dir.Path, "build");
        Assert.True(build.ExitCode == 0, build.Error);
        var sc = Directory.GetFiles(_dir.Combine("out", "dicom"), "*.dcm", SearchOption.AllDirectories)
            .Where(f => DataForge.Dicom.DicomFile.Open(f).Dataset.GetString(DataForge.Dicom.DicomTags.SOPClassUID)?.Trim() == "1.2.840.10008.5.1.4.1.1.7")
            .ToList();
        Assert.Equal(4, sc.Count);
        Assert.All(sc, f => Assert.Empty(Dciodvfy.Errors(dciodvfy, f)));
    }

    [SkippableFact]
    public void Curation_finds_an_image_exported_twice_under_two_names_by_its_pixels_and_a_blank_one_by_its_quality()
    {
        Write("png");
        File.Copy(_dir.Combine("json", "photo_rgb.png"), _dir.Combine("json", "photo_again.png"));
        File.Copy(_dir.Combine("json", "photo_rgb.json"), _dir.Combine("json", "photo_again.json"));
        // A constant image (a blank export) is what image_quality excludes.
        var blank = _dir.Combine("json", "blank.bmp");
        File.WriteAllBytes(blank, File.ReadAllBytes(_dir.Combine("table", "img_a.bmp")));
        var bytes = File.ReadAllBytes(blank);
        var pixelsAt = BitConverter.ToInt32(bytes, 10);
        Array.Fill(bytes, (byte)90, pixelsAt, bytes.Length - pixelsAt);
        File.WriteAllBytes(blank, bytes);
        File.WriteAllText(_dir.Combine("json", "blank.json"), """{"PatientID": "PX-4417"}""");
        File.WriteAllText(_dir.Combine("dataforge.yaml"), File.ReadAllText(_dir.Combine("dataforge.yaml")).Replace("deidentify:", "curate: {duplicates: {on_fail: exclude}, image_quality: {on_fail: exclude}}\ndeidentify:", StringComparison.Ordinal));
        var build = CliRunner.Run(_dir.Path, "build");
        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Contains("duplicates (exclude): 1 finding on 1 item", build.Out + build.Error);
        Assert.Contains("image_quality (exclude): 1 finding on 1 item", build.Out + build.Error);
        Assert.Equal(6, Directory.GetFiles(_dir.Combine("out", "png"), "*.png", SearchOption.AllDirectories).Length);
    }

    [SkippableFact]
    public void A_subject_only_an_image_names_gets_the_next_sequential_pseudonym_from_the_vault()
    {
        Write("png");
        File.Copy(_dir.Combine("json", "photo_rgb.png"), _dir.Combine("json", "other.png"));
        File.WriteAllText(_dir.Combine("json", "other.json"), """{"PatientID": "PX-9999"}""");
        File.WriteAllText(_dir.Combine("dataforge.yaml"), File.ReadAllText(_dir.Combine("dataforge.yaml"))
            .Replace("deidentify: {profile: basic}", "deidentify: {profile: basic, pseudonym: {format: \"P-{seq:3}\"}}", StringComparison.Ordinal));
        var build = CliRunner.Run(_dir.Path, "build");
        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Equal(["P-001", "P-002", "P-003"], Directory.GetDirectories(_dir.Combine("out", "png")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var pseudonym = CliRunner.Run(_dir.Path, "pseudonyms", "lookup", "PX-9999").Out.Trim();
        Assert.Single(Directory.GetFiles(_dir.Combine("out", "png", pseudonym), "*.png", SearchOption.AllDirectories));
    }

    [SkippableFact]
    public void Burned_in_regions_blank_the_text_of_a_photographed_screen_and_leave_every_other_pixel_as_it_was()
    {
        var python = Oracle.RequirePython("PIL", "numpy");
        // A 40x30 grey photo of a screen: a bright "name" in its top left corner, a gradient elsewhere.
        Directory.CreateDirectory(_dir.Combine("photos"));
        var written = Oracle.Run(python, ["-c", """
            import json, sys, numpy as np
            from PIL import Image
            a = (np.arange(30)[:, None] * 3 + np.arange(40)[None, :] * 2 + 20).astype(np.uint8)
            a[1:5, 1:11] = 250
            Image.fromarray(a, 'L').save(sys.argv[1] + '/screen.png')
            json.dump({'PatientID': 'SCREEN-PATIENT-7', 'modality': 'XC'}, open(sys.argv[1] + '/screen.json', 'w'))
            np.save(sys.argv[1] + '/../original.npy', a)
            """, _dir.Combine("photos")]);
        Assert.True(written.ExitCode == 0, written.StandardError);
        _dir.WriteText("dataforge.yaml", """
            version: 1
            name: screens
            sources:
              - {id: photos, kind: image, path: photos, fields: {subject: $.PatientID, modality: $.modality}}
            deidentify:
              profile: basic
              options: [clean-pixel-data]
              burned_in_regions: [{modality: XC, rows: 30, columns: 40, region: [0, 0, 12, 6]}]
            output: {layout: png}
            """);
        var build = CliRunner.Run(_dir.Path, "build");
        Assert.True(build.ExitCode == 0, build.Out + build.Error);
        var png = Assert.Single(Directory.GetFiles(_dir.Combine("out", "png"), "*.png", SearchOption.AllDirectories));
        // Pillow reads the published image: zero inside the rule's rectangle, the original's levels everywhere else.
        var check = Oracle.Run(python, ["-c", """
            import sys, numpy as np
            from PIL import Image
            out = np.asarray(Image.open(sys.argv[1]))
            a = np.load(sys.argv[2])
            inside = np.zeros(a.shape, bool); inside[0:6, 0:12] = True
            print(int(out[inside].max()), int((out[~inside] != a[~inside]).sum()), out.shape == a.shape)
            """, png, _dir.Combine("original.npy")]);
        Assert.True(check.ExitCode == 0, check.StandardError);
        Assert.Equal("0 0 True", check.StandardOutput.Trim());
        // The report counts the cleaning; the subject is a pseudonym.
        Assert.Contains("blanked", File.ReadAllText(_dir.Combine("out", "deidentification.json")));
        Assert.DoesNotContain("SCREEN-PATIENT-7", png);
    }

    [SkippableFact]
    public void Harmonise_steps_apply_to_the_greyscale_images_of_image_sources_before_rendering()
    {
        var python = Write("png");
        File.AppendAllText(_dir.Combine("dataforge.yaml"), "\nharmonise:\n  - crop_or_pad: {shape: [10, 10, 1]}\n  - normalise: {method: minmax}\n");
        var build = CliRunner.Run(_dir.Path, "build");
        // The RGB photograph fails as DICOM colour images do under harmonise:; the CRs, the PNG, TIFF and BMP go on.
        Assert.Contains("image2d: 6 items: 5 ran, 0 cached, 1 failed", build.Out);
        Assert.Contains("harmonise steps apply to greyscale images", build.Out + build.Error);
        var pngs = Directory.GetFiles(_dir.Combine("out", "png"), "*.png", SearchOption.AllDirectories);
        Assert.Equal(5, pngs.Length);
        var sizes = Oracle.Run(python, ["-c", "import sys; from PIL import Image; print(sorted({Image.open(f).size for f in sys.argv[1:]}))", .. pngs]);
        Assert.Equal("[(10, 10)]", sizes.StandardOutput.Trim());
    }

    [SkippableFact]
    public void COCO_boxes_name_images_of_image_sources_by_their_path_and_reach_the_coco_layout_under_pseudonyms()
    {
        Write("coco");
        var chest = Path.GetRelativePath(_dir.Combine("json"), Directory.GetFiles(_dir.Combine("json"), "chest_pa.png", SearchOption.AllDirectories).Single()).Replace('\\', '/');
        _dir.WriteText("boxes.json", $$"""
            {"images": [{"id": 1, "file_name": "{{chest}}", "width": 30, "height": 20},
                        {"id": 2, "file_name": "scan_01.tif", "width": 14, "height": 12},
                        {"id": 3, "file_name": "nowhere.png", "width": 4, "height": 4}],
             "categories": [{"id": 1, "name": "lesion"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [2, 3, 5, 4], "area": 20, "iscrowd": 0},
                             {"id": 2, "image_id": 2, "category_id": 1, "bbox": [1, 1, 3, 3], "area": 9, "iscrowd": 0}]}
            """);
        File.WriteAllText(_dir.Combine("dataforge.yaml"), File.ReadAllText(_dir.Combine("dataforge.yaml"))
            .Replace("deidentify:", "  - {id: boxes, kind: labels, path: boxes.json, format: coco, key: SOPInstanceUID}\nlabels:\n  classes: [{id: 0, name: background}, {id: 1, name: lesion}]\n  annotations:\n    - {name: findings, kind: boxes, source: boxes, on_fail: warn}\ndeidentify:", StringComparison.Ordinal));
        var build = CliRunner.Run(_dir.Path, "build");
        Assert.True(build.ExitCode == 0, build.Out + build.Error);
        using var coco = JsonDocument.Parse(File.ReadAllBytes(Directory.GetFiles(_dir.Combine("out", "coco", "annotations"), "*.json").Single()));
        var annotations = coco.RootElement.GetProperty("annotations").EnumerateArray().ToList();
        Assert.Equal(2, annotations.Count);
        var images = coco.RootElement.GetProperty("images").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetInt64());
        Assert.Equal([30, 14], annotations.Select(a => images[a.GetProperty("image_id").GetInt64()].GetProperty("width").GetInt32()).Order().Reverse());
        // The file that names no image is reported (by the COCO file's hash and image id), never by its name.
        var report = File.ReadAllText(Directory.GetFiles(_dir.Combine("out", "labels"), "findings.report.json").Single());
        Assert.Contains("names no de-identified image", report);
        Assert.DoesNotContain("nowhere", report);
        Assert.DoesNotContain("DOE_JANE", File.ReadAllText(Directory.GetFiles(_dir.Combine("out", "coco", "annotations"), "*.json").Single()));
    }

    [SkippableFact]
    public void A_label_table_names_images_by_their_sidecar_id_or_path_and_each_label_lands_on_its_image()
    {
        Write("png");
        var sidecar = Directory.GetFiles(_dir.Combine("json"), "chest_pa.json", SearchOption.AllDirectories).Single();
        File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace("{\"PatientID\"", "{\"image_id\": \"IMG-0001\", \"PatientID\"", StringComparison.Ordinal));
        _dir.WriteText("grades.csv", "SOPInstanceUID,value\nIMG-0001,high\nscan_01.tif,low\nIMG-9999,low\n");
        File.WriteAllText(_dir.Combine("dataforge.yaml"), File.ReadAllText(_dir.Combine("dataforge.yaml"))
            .Replace("fields: {subject: $.PatientID,", "fields: {id: $.image_id, subject: $.PatientID,", StringComparison.Ordinal)
            .Replace("deidentify:", "  - {id: grades, kind: labels, path: grades.csv, format: csv, key: SOPInstanceUID}\nlabels:\n  annotations:\n    - {name: grade, kind: categorical, level: image, source: grades, values: [low, high], on_fail: warn}\ndeidentify:", StringComparison.Ordinal));
        var build = CliRunner.Run(_dir.Path, "build");
        Assert.True(build.ExitCode == 0, build.Out + build.Error);
        using var labels = JsonDocument.Parse(File.ReadAllBytes(_dir.Combine("out", "labels", "grade.json")));
        var text = labels.RootElement.GetRawText();
        Assert.Contains("\"high\"", text);
        Assert.Contains("\"low\"", text);
        Assert.DoesNotContain("IMG-0001", text);
        // Each label's image is the instance rendered from that file: its PNG sidecar has the size of the source image.
        var items = labels.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        var report = File.ReadAllText(_dir.Combine("out", "labels", "grade.report.json"));
        Assert.DoesNotContain("IMG-9999", report);
        Assert.Contains("names no", report);
    }

    [SkippableFact]
    public void No_planted_identifier_survives_into_the_dicom_layout_through_curation_and_clean_descriptors()
    {
        Write("dicom");
        var planted = JsonSerializer.Deserialize<string[]>(File.ReadAllText(_dir.Combine("planted.json")))!;
        File.WriteAllText(_dir.Combine("dataforge.yaml"), File.ReadAllText(_dir.Combine("dataforge.yaml"))
            .Replace("deidentify: {profile: basic}", "curate: {duplicates: {on_fail: exclude}, conformance: {on_fail: warn}}\ndeidentify: {profile: basic, options: [clean-descriptors, retain-longitudinal-modified-dates]}", StringComparison.Ordinal));
        var build = CliRunner.Run(_dir.Path, "build", "--json");
        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Equal(6, Directory.GetFiles(_dir.Combine("out", "dicom"), "*.dcm", SearchOption.AllDirectories).Length);
        var files = Directory.GetFiles(_dir.Combine("out"), "*", SearchOption.AllDirectories);
        foreach (var value in planted)
        {
            Assert.DoesNotContain(value, build.Out + build.Error, StringComparison.OrdinalIgnoreCase);
            foreach (var file in files)
                Assert.False(System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file)).Contains(value, StringComparison.OrdinalIgnoreCase), $"{value} in {Path.GetFileName(file)}");
        }
    }
}
