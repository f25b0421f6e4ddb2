using System.Text;
using System.Text.Json;
using DataForge.Testing;
using NJsonSchema;

namespace DataForge.Release.Tests;

/// <summary>
/// Exports carry README files, PDFs, previews, DICOMDIRs and now and then a damaged file: none of them blocks a
/// release. Files that are not DICOM are skipped and counted, DICOMDIRs never published, damaged DICOM excluded and
/// listed by hash (on_unreadable: exclude, the default) or failing the build (on_unreadable: fail).
/// </summary>
public sealed class JunkFilesReleaseTests
{
    private const string PydicomData = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    /// <summary>Copies junk into raw/: returns the files the starter's globs leave out, the ones only the screen can tell, the DICOMDIRs and the damaged ones.</summary>
    private static (string[] Globbed, string[] NotDicom, string[] Directories, string[] Damaged) AddJunk(ReleaseProject p)
    {
        Skip.If(!Directory.Exists(PydicomData) && !Oracle.IsCi, "python3-pydicom's test files are not installed");
        var junk = p.Combine("raw", "EXPORT_INFO");
        Directory.CreateDirectory(junk);
        string Copy(string from, string name)
        {
            var to = Path.Combine(junk, name);
            File.Copy(Path.Combine(PydicomData, from), to);
            return to;
        }
        string Write(string name, byte[] bytes)
        {
            var to = Path.Combine(junk, name);
            File.WriteAllBytes(to, bytes);
            return to;
        }
        // Left out by the starter manifest's exclude globs.
        string[] globbed =
        [
            Copy("README.txt", "README.txt"), Copy("test1.json", "series.json"),
            Write("report.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj\n<< >>\nendobj\n")),
            Write("preview.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1]),
        ];
        // Read, and found not to be DICOM by their first bytes.
        string[] notDicom =
        [
            Copy("zipMR.gz", "zipMR"), Copy("rtplan.dump", "RTPLAN_DUMP"),
            Write("SUMMARY", Encoding.ASCII.GetBytes("%PDF-1.7\n%binary\n")),
            Write("THUMB0001", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]),
        ];
        string[] directories = [Copy("dicomdirtests/DICOMDIR-bigEnd", "DICOMDIR-bigEnd"), Copy("dicomdirtests/DICOMDIR-implicit", "DICOMDIR-implicit")];
        string[] damaged = [Copy("MR_truncated.dcm", "IM9001"), Copy("rtplan_truncated.dcm", "IM9002.dcm")];
        return (globbed, notDicom, directories, damaged);
    }

    [SkippableFact]
    public async Task Junk_beside_the_images_is_skipped_counted_and_listed_by_hash_and_build_release_verify_succeed()
    {
        using var p = new ReleaseProject();
        var sources = p.Sources().Count;
        var (globbed, notDicom, directories, damaged) = AddJunk(p);

        var build = p.Run("build").AssertExit(0);
        Assert.Contains("build succeeded", build.Out);
        Assert.Contains($"{notDicom.Length} files are not DICOM, skipped", build.Out);
        Assert.Contains($"{directories.Length} files are a DICOMDIR (Media Storage Directory), never published", build.Out);
        Assert.Contains($"{damaged.Length} files are damaged DICOM, excluded", build.Out);
        var json = JsonDocument.Parse(p.Run("build", "--json").AssertExit(0).Out).RootElement;
        var screening = json.GetProperty("screening");
        Assert.Equal((notDicom.Length, directories.Length, damaged.Length),
            (screening.GetProperty("not_dicom").GetInt32(), screening.GetProperty("media_storage_directory").GetInt32(), screening.GetProperty("unreadable").GetInt32()));

        // Only the synthetic instances are published: nothing from a DICOMDIR (it had no study or series).
        var published = p.OutputHashes();
        Assert.Equal(sources, published.Keys.Count(k => k.StartsWith("dicom/", StringComparison.Ordinal)));
        Assert.DoesNotContain(published.Keys, k => k.Contains("no-study", StringComparison.Ordinal) || k.Contains("no-series", StringComparison.Ordinal));
        var report = JsonDocument.Parse(File.ReadAllBytes(p.Combine("out", "deidentification.json"))).RootElement.GetProperty("not_published");
        Assert.Equal((directories.Length, notDicom.Length, damaged.Length),
            (report.GetProperty("media_storage_directory").GetInt32(), report.GetProperty("not_dicom").GetInt32(), report.GetProperty("unreadable").GetInt32()));

        p.Run("release", "v1").AssertExit(0);
        var manifestText = p.Git("show", "v1:releases/v1/manifest.json");
        var manifest = JsonDocument.Parse(manifestText).RootElement;
        Assert.Equal(ReleaseManifest.SchemaVersion, manifest.GetProperty("schema_version").GetInt32());
        var excluded = manifest.GetProperty("excluded").EnumerateArray()
            .Select(e => (e.GetProperty("sha256").GetString()!, e.GetProperty("verdict").GetString()!, e.GetProperty("size").GetInt64())).ToHashSet();
        // Each skipped file by the SHA-256 of its bytes, hashed here; no file the globs left out; no name or path.
        var expected = notDicom.Select(f => (ReleaseProject.Sha256Of(f), "not-dicom", new FileInfo(f).Length))
            .Concat(directories.Select(f => (ReleaseProject.Sha256Of(f), "media-storage-directory", new FileInfo(f).Length)))
            .Concat(damaged.Select(f => (ReleaseProject.Sha256Of(f), "unreadable", new FileInfo(f).Length))).ToHashSet();
        Assert.Equal(expected.OrderBy(e => e.Item1), excluded.OrderBy(e => e.Item1));
        Assert.DoesNotContain(globbed.Select(ReleaseProject.Sha256Of), h => manifestText.Contains(h, StringComparison.Ordinal));
        foreach (var name in notDicom.Concat(directories).Concat(damaged).Select(Path.GetFileName))
            Assert.DoesNotContain(name!, manifestText, StringComparison.Ordinal);
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "release-manifest.schema.json"));
        Assert.Empty(schema.Validate(manifestText));

        var verify = p.Run("verify", "v1").AssertExit(0);
        Assert.Contains("verified", verify.Out);
    }

    [SkippableFact]
    public void With_on_unreadable_fail_a_damaged_file_fails_the_build_and_blocks_the_release_while_junk_still_does_not()
    {
        using var p = new ReleaseProject();
        var (_, notDicom, _, damaged) = AddJunk(p);
        var yaml = File.ReadAllText(p.Combine("dataforge.yaml"));
        Assert.Contains("on_unreadable: exclude", yaml);
        File.WriteAllText(p.Combine("dataforge.yaml"), yaml.Replace("on_unreadable: exclude", "on_unreadable: fail", StringComparison.Ordinal));

        var build = p.Run("build").AssertExit(1);
        Assert.Equal(damaged.Length, build.Error.Split('\n').Count(l => l.Contains("(on_unreadable: fail)", StringComparison.Ordinal)));
        Assert.Contains($"{notDicom.Length} files are not DICOM, skipped", build.Out);
        Assert.Contains($"build finished with {damaged.Length} failed items", build.Error);
        p.Run("release", "v1").AssertExit(1);

        // The damaged files removed: the build and the release go ahead.
        foreach (var f in damaged) File.Delete(f);
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
    }
}
