using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// Layout png with <c>output.png.format: tiff</c> over the mixed project of <see cref="ImageSourceCommandTests"/> (DICOM
/// CR and PNG, TIFF and BMP exports): every image is a TIFF that libtiff reads without a warning, whose pixels Pillow
/// reads equal to those of the PNG the same build writes with format png, and whose bytes do not depend on -j.
/// </summary>
public sealed class ImageTiffLayoutTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-cli-tiff-layout");

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
        output: {path: out, layout: png, png: {bit_depth: 16FORMAT}}
        """;

    [SkippableFact]
    public void Tiff_images_hold_the_pixels_of_the_png_images_and_the_same_bytes_for_any_jobs()
    {
        var python = Oracle.RequirePython("PIL", "numpy", "pydicom");
        Oracle.Require("exiftool");
        Oracle.Require("tiffinfo");
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "DataForge.Cli.Tests", "Oracles", "write_image_project.py");
        // One project built with PNG images, then copied (secret, vault, store) and built with TIFF images by -j 1 and -j 3.
        var projects = new[] { "png", "tiff1", "tiff3" }.ToDictionary(n => n, n => _dir.Combine(n));
        Directory.CreateDirectory(projects["png"]);
        Assert.Equal(0, Oracle.Run(python, [script, projects["png"]]).ExitCode);
        File.WriteAllText(Path.Combine(projects["png"], "dataforge.yaml"), Manifest.Replace("FORMAT", "", StringComparison.Ordinal));
        var first = CliRunner.Run(projects["png"], "build");
        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        // The images are kept aside first: a copy's build removes the outputs its state records, the original's.
        CopyTree(Path.Combine(projects["png"], "out"), _dir.Combine("png-images", "out"));
        foreach (var copy in new[] { "tiff1", "tiff3" })
        {
            CopyTree(projects["png"], projects[copy]);
            Directory.Delete(Path.Combine(projects[copy], "out"), recursive: true);
        }
        projects["png"] = _dir.Combine("png-images");
        foreach (var (name, jobs) in new[] { ("tiff1", "1"), ("tiff3", "3") })
        {
            File.WriteAllText(Path.Combine(projects[name], "dataforge.yaml"), Manifest.Replace("FORMAT", ", format: tiff", StringComparison.Ordinal));
            var build = CliRunner.Run(projects[name], "build", "-j", jobs);
            Assert.True(build.ExitCode == 0, build.Out + build.Error);
        }
        var pngs = Directory.GetFiles(Path.Combine(projects["png"], "out", "png"), "*.png", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(projects["png"], f)).Order().ToList();
        var tiffs = Directory.GetFiles(Path.Combine(projects["tiff1"], "out", "png"), "*.tif", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(projects["tiff1"], f)).Order().ToList();
        Assert.True(pngs.Count >= 6, string.Join(", ", pngs));
        Assert.Equal(pngs.Select(p => p[..^4]), tiffs.Select(t => t[..^4]));
        Assert.Empty(Directory.GetFiles(Path.Combine(projects["tiff1"], "out", "png"), "*.png", SearchOption.AllDirectories));
        foreach (var tiff in tiffs)
        {
            var one = File.ReadAllBytes(Path.Combine(projects["tiff1"], tiff));
            Assert.Equal(one, File.ReadAllBytes(Path.Combine(projects["tiff3"], tiff)));
            var info = Oracle.Run("tiffinfo", [Path.Combine(projects["tiff1"], tiff)]);
            Assert.True(info.ExitCode == 0 && info.StandardError.Length == 0, info.StandardError);
        }
        // Pillow reads each TIFF's samples equal to the PNG's of the same image (16-bit grey as I;16, colour as RGB).
        var compare = """
            import sys, numpy as np
            from PIL import Image
            png_root, tiff_root = sys.argv[1], sys.argv[2]
            for rel in sys.argv[3:]:
                a = np.array(Image.open(f"{png_root}/{rel}.png")).astype(np.int64)
                b = np.array(Image.open(f"{tiff_root}/{rel}.tif")).astype(np.int64)
                print(rel, a.shape == b.shape and bool((a == b).all()))
            """;
        var result = Oracle.Run(python, ["-c", compare, projects["png"], projects["tiff1"], .. pngs.Select(p => p[..^4])]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(pngs.Count, result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(" True", StringComparison.Ordinal)));
        // The sidecars are those of the png images, beside the TIFFs.
        Assert.All(tiffs, t => Assert.True(File.Exists(Path.Combine(projects["tiff1"], t[..^4] + ".json"))));
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
