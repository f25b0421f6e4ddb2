using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Engine.Building;
using DataForge.Projects;
using DataForge.Stages;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Release.Tests.Pacs;

/// <summary>
/// <c>fsck</c> over a DICOMweb source's private cache, pulled from a real Orthanc (see <see cref="OrthancServer"/>):
/// a cached instance whose bytes rotted under the same size and mtime (which the index's stat cache trusts) is found,
/// named by hash only, moved aside and fetched again by the next pull; a build that meets the cache without it leaves
/// its series out and says to pull.
/// </summary>
public sealed class DicomWebCacheFsckTests
{
    private const string Secret = "dicomweb-fsck-secret-0123456789abcdef";

    private static readonly SynthOptions Small = new() { Patients = 2, Slices = 3, Matrix = 16 };

    [SkippableFact]
    public void A_cached_instance_damaged_under_the_same_size_and_mtime_is_found_by_fsck_moved_aside_pulled_again_and_rebuilt_to_the_same_bytes()
    {
        using var server = OrthancServer.Start();
        using var pacs = DicomWebProject.OfServer(server, Secret);
        server.Upload(pacs.Synth("first", Small));
        pacs.InitGit();
        pacs.Run("build").AssertExit(0);
        pacs.Run("release", "v1", "-m", "first").AssertExit(0);
        var built = pacs.OutputHashes();
        Assert.NotEmpty(built);
        var intact = JsonNode.Parse(pacs.Run("fsck", "--json").AssertExit(0).Out)!["dicomweb"]![0]!;
        Assert.Equal(pacs.CachedObjects().Count, intact["instances_checked"]!.GetValue<int>());
        Assert.Empty(intact["damaged"]!.AsArray());

        var victim = pacs.CachedObjects().Order(StringComparer.Ordinal).First();
        var hash = Path.GetFileNameWithoutExtension(victim);
        var identifiers = Identifiers(victim);
        Damage(victim);
        // The stat the index trusts is unchanged: a build alone would not notice.
        Assert.NotEqual(hash, ReleaseProject.Sha256Of(victim));

        var found = pacs.Run("fsck", "--json").AssertExit(1);
        var source = JsonNode.Parse(found.Out)!["dicomweb"]![0]!;
        Assert.Equal("raw", source["source"]!.GetValue<string>());
        var damaged = Assert.Single(source["damaged"]!.AsArray())!;
        Assert.Equal(hash, damaged["sha256"]!.GetValue<string>());
        Assert.True(damaged["pinned"]!.GetValue<bool>());
        Assert.StartsWith("#", damaged["series"]!.GetValue<string>());
        Assert.Equal(["v1"], damaged["releases"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Empty(source["missing"]!.AsArray());
        Assert.False(File.Exists(victim));
        Assert.True(File.Exists(pacs.Combine(".dataforge", "pacs", "raw", "damaged", hash + ".dcm")));
        AssertNoIdentifier(found, identifiers);

        // Until it is fetched again, the pinned instance is missing, and the text says what to do.
        var missing = pacs.Run("fsck").AssertExit(1);
        Assert.Contains($"missing: source 'raw' cached instance {hash[..12]}", missing.Out);
        Assert.Contains("run 'dataforge pull'", missing.Out);
        Assert.Contains("0 damaged, 1 missing", missing.Out);
        AssertNoIdentifier(missing, identifiers);

        var pulled = JsonNode.Parse(pacs.Run("pull", "--json").AssertExit(0).Out)!["pull"]![0]!;
        Assert.Equal(1, pulled["fetched"]!.GetValue<int>());
        Assert.Equal(hash, ReleaseProject.Sha256Of(victim));
        pacs.Run("fsck").AssertExit(0);
        pacs.Run("build").AssertExit(0);
        Assert.Equal(built, pacs.OutputHashes());
        pacs.Run("verify", "v1").AssertExit(0);
        // gc removes the damaged copy (raw, with PHI) as it does the store's, and keeps the cache the pin reads.
        var collected = JsonNode.Parse(pacs.Run("gc", "--json").AssertExit(0).Out)!["dicomweb"]![0]!;
        Assert.Equal(1, collected["damaged_removed"]!.GetValue<int>());
        Assert.Empty(Directory.GetFiles(pacs.Combine(".dataforge", "pacs", "raw", "damaged")));
        pacs.Run("fsck").AssertExit(0);
    }

    [SkippableFact]
    public void A_build_that_meets_the_cache_without_a_pinned_instance_leaves_its_series_out_and_says_to_pull()
    {
        using var server = OrthancServer.Start();
        using var pacs = DicomWebProject.OfServer(server, Secret);
        server.Upload(pacs.Synth("first", Small));
        pacs.Run("build").AssertExit(0);
        var built = pacs.OutputHashes();
        var victim = pacs.CachedObjects().Order(StringComparer.Ordinal).First();
        var hash = Path.GetFileNameWithoutExtension(victim);
        var series = Identifiers(victim)[3];
        // The series' instances, from the private pin (one published .dcm each with layout: dicom).
        var seriesFiles = File.ReadLines(pacs.Combine(".dataforge", "pacs", "raw", "pinned.tsv")).Count(l => l.Split('\t')[1] == series);
        Damage(victim);
        pacs.Run("fsck").AssertExit(1);
        Assert.Contains("source 'raw': 12 instances pinned by the last pull (1 of them not in the cache: 'dataforge pull'", pacs.Run("status").AssertExit(0).Out);
        Assert.Equal(1, JsonNode.Parse(pacs.Run("status", "--json").AssertExit(0).Out)!["dicomweb"]![0]!["missing_instances"]!.GetValue<int>());

        // A build that does not pull first (one that raced fsck): nothing of the series is read, and it fails clearly.
        var loaded = ManifestModules.Loader().Load(pacs.Combine("dataforge.yaml"), "dataforge.yaml");
        var project = Project.Open(loaded.Manifest!, new ProjectOptions { Environment = name => pacs.Environment.GetValueOrDefault(name), Writes = true });
        var result = project.Build(new BuildOptions());
        Assert.False(result.Succeeded);
        var problem = Assert.Single(result.Problems);
        Assert.Contains($"source 'raw': 1 pinned instance(s) are not in the cache", problem);
        Assert.Contains(hash[..12], problem);
        Assert.Contains("run 'dataforge pull'", problem);
        Assert.DoesNotContain(series, problem);
        var partial = Dicoms(pacs.OutputHashes());
        Assert.Equal(Small.Slices, seriesFiles);
        Assert.Equal(Dicoms(built).Count - seriesFiles, partial.Count);
        Assert.All(partial, f => Assert.Equal(built[f.Key], f.Value));

        // The CLI's build pulls first: the instance is fetched again and every output is as before.
        pacs.Run("build").AssertExit(0);
        Assert.Equal(built, pacs.OutputHashes());
    }

    [SkippableFact]
    public void A_pipeline_made_before_the_cache_lost_an_instance_leaves_the_whole_series_out_and_release_refuses_until_a_build_pulls_it_again()
    {
        using var server = OrthancServer.Start();
        using var pacs = DicomWebProject.OfServer(server, Secret);
        server.Upload(pacs.Synth("first", Small));
        pacs.InitGit();
        pacs.Run("build").AssertExit(0);
        var built = pacs.OutputHashes();
        var victim = pacs.CachedObjects().Order(StringComparer.Ordinal).First();
        var hash = Path.GetFileNameWithoutExtension(victim);
        var series = Identifiers(victim)[3];
        var seriesFiles = File.ReadLines(pacs.Combine(".dataforge", "pacs", "raw", "pinned.tsv")).Count(l => l.Split('\t')[1] == series);

        // The pipeline is made (as a cluster worker makes it) before the instance goes: the pin is read when the index
        // needs it, so the build sees the cache as it is then, and its report names what it left out.
        var loaded = ManifestModules.Loader().Load(pacs.Combine("dataforge.yaml"), "dataforge.yaml");
        var project = Project.Open(loaded.Manifest!, new ProjectOptions { Environment = name => pacs.Environment.GetValueOrDefault(name), Writes = true });
        Assert.Contains(project.Pipeline.Sources, s => s.Id == "raw");
        File.Delete(victim);
        var result = project.Build(new BuildOptions());
        Assert.False(result.Succeeded);
        Assert.Contains(hash[..12], Assert.Single(result.Problems));
        var partial = Dicoms(pacs.OutputHashes());
        Assert.Equal(Dicoms(built).Count - seriesFiles, partial.Count);
        Assert.Equal(1, JsonNode.Parse(pacs.Run("status", "--json").AssertExit(0).Out)!["dicomweb"]![0]!["missing_instances"]!.GetValue<int>());

        // The engine's part of that build succeeded, but the dataset lacks a series: release refuses, says why and what to do.
        var refused = pacs.Run("release", "v1", "-m", "partial").AssertExit(1);
        Assert.Contains("lacks pinned instances", refused.Error);
        Assert.Contains(hash[..12], refused.Error);
        Assert.DoesNotContain(series, refused.Error + refused.Out);
        Assert.Empty(pacs.Git("tag").Trim());

        pacs.Run("build").AssertExit(0);
        Assert.Equal(built, pacs.OutputHashes());
        pacs.Run("release", "v1", "-m", "whole").AssertExit(0);
        pacs.Run("verify", "v1").AssertExit(0);
    }

    [Fact]
    public void Fsck_names_a_series_by_its_contents_never_its_uid_and_lists_ten_instances_per_kind_in_text_and_all_in_json()
    {
        // fsck asks no server: a cache written here, with a pin naming one series of 12 instances whose bytes all rotted.
        using var pacs = new DicomWebProject("    kind: dicomweb\n    url: http://127.0.0.1:9/dicom-web", Secret);
        var root = pacs.Combine(".dataforge", "pacs", "raw");
        const string Study = "1.2.826.0.1.3680043.2.1125.77.1";
        const string Series = "1.2.826.0.1.3680043.2.1125.77.2";
        var hashes = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"instance {i}")));
            Directory.CreateDirectory(Path.Combine(root, "objects", hash[..2]));
            File.WriteAllText(Path.Combine(root, "objects", hash[..2], hash + ".dcm"), $"rotted {i}");
            hashes.Add(hash);
        }
        File.WriteAllText(Path.Combine(root, "pinned.tsv"), "study\tseries\tsop\tsha256\n" +
            string.Concat(hashes.Select((h, i) => $"{Study}\t{Series}\t{Series}.{i}\t{h}\n")));
        var expected = ItemLabel.Reference($"raw:series:{hashes.Min(StringComparer.Ordinal)}");
        Assert.NotEqual(ItemLabel.Reference($"raw:series:{Series}"), expected);

        var found = pacs.Run("fsck", "--json").AssertExit(1);
        var damaged = JsonNode.Parse(found.Out)!["dicomweb"]![0]!["damaged"]!.AsArray();
        Assert.Equal(hashes.Order(StringComparer.Ordinal), damaged.Select(d => d!["sha256"]!.GetValue<string>()));
        Assert.All(damaged, d => Assert.Equal(expected, d!["series"]!.GetValue<string>()));

        var text = pacs.Run("fsck").AssertExit(1);
        var lines = text.Out.Split('\n');
        Assert.Equal(10, lines.Count(l => l.StartsWith("missing: source 'raw' cached instance", StringComparison.Ordinal)));
        Assert.All(lines.Where(l => l.StartsWith("missing:", StringComparison.Ordinal)), l => Assert.Contains($"series {expected}", l));
        Assert.Contains("... and 2 more missing cached instances of source 'raw' (--json lists all)", text.Out);
        Assert.Contains("0 damaged, 12 missing", text.Out);
        foreach (var uid in new[] { Study, Series })
        {
            Assert.DoesNotContain(uid, found.Out + found.Error + text.Out + text.Error);
            Assert.DoesNotContain(ItemLabel.Reference($"raw:series:{uid}"), found.Out + text.Out);
        }
    }

    /// <summary>Flips a byte near the end (pixel data) of a cached file, keeping its size, mtime and inode.</summary>
    private static void Damage(string file)
    {
        var mtime = File.GetLastWriteTimeUtc(file);
        File.SetAttributes(file, FileAttributes.Normal);
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length - 7;
            var b = stream.ReadByte();
            stream.Position = stream.Length - 7;
            stream.WriteByte((byte)(b ^ 0x5A));
        }
        File.SetAttributes(file, FileAttributes.ReadOnly);
        File.SetLastWriteTimeUtc(file, mtime);
    }

    /// <summary>Patient name and ID, study, series and SOP Instance UIDs of a raw instance (the private side).</summary>
    private static string[] Identifiers(string file)
    {
        var ds = DicomFile.OpenHeader(file).Dataset;
        return new[] { DicomTags.PatientName, DicomTags.PatientID, DicomTags.StudyInstanceUID, DicomTags.SeriesInstanceUID, DicomTags.SOPInstanceUID }
            .Select(t => ds.GetString(t)!.TrimEnd('\0', ' ')).ToArray();
    }

    private static void AssertNoIdentifier(CliResult result, string[] identifiers)
    {
        foreach (var id in identifiers)
        {
            Assert.DoesNotContain(id, result.Out);
            Assert.DoesNotContain(id, result.Error);
        }
    }

    private static Dictionary<string, string> Dicoms(Dictionary<string, string> files) =>
        files.Where(f => f.Key.EndsWith(".dcm", StringComparison.Ordinal)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
}
