using System.Text.Json.Nodes;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Release.Tests.Pacs;

/// <summary>
/// A <c>kind: dicomweb</c> source against a real Orthanc (see <see cref="OrthancServer"/>; the tests run only in a
/// network namespace of their own): pulled, pinned, built like a folder, verified after the server changed,
/// resumed after the server was killed, refused with wrong credentials.
/// </summary>
public sealed class DicomWebSourceTests
{
    private const string Secret = "dicomweb-test-secret-0123456789abcdef";

    private static readonly SynthOptions Small = new() { Patients = 2, Slices = 3, Matrix = 16 };

    [SkippableFact]
    public void A_dicomweb_build_gives_the_bytes_of_a_folder_build_of_the_same_files_and_a_second_build_downloads_nothing()
    {
        using var server = OrthancServer.Start();
        using var folder = DicomWebProject.OfFolder(Secret);
        var files = folder.Synth("raw", Small);
        server.Upload(files);
        using var pacs = DicomWebProject.OfServer(server, Secret);

        folder.Run("build").AssertExit(0);
        var first = JsonNode.Parse(pacs.Run("build", "--json").AssertExit(0).Out)!;
        Assert.Equal(files.Count, first["pull"]![0]!["instances"]!.GetValue<int>());
        Assert.Equal(files.Count, first["pull"]![0]!["fetched"]!.GetValue<int>());
        Assert.Equal(4, first["pull"]![0]!["studies"]!.GetValue<int>());

        var expected = folder.OutputHashes();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, pacs.OutputHashes());
        // The cache holds the bytes Orthanc was given, named by their SHA-256.
        Assert.Equal(files.Select(ReleaseProject.Sha256Of).Order(StringComparer.Ordinal),
            pacs.CachedObjects().Select(ReleaseProject.Sha256Of).Order(StringComparer.Ordinal));

        var second = JsonNode.Parse(pacs.Run("build", "--json").AssertExit(0).Out)!;
        Assert.Equal(0, second["pull"]![0]!["fetched"]!.GetValue<int>());
        Assert.Equal(0, second["index"]!["hashed"]!.GetValue<int>());
        Assert.All(second["stages"]!.AsArray(), s => Assert.Equal(0, s!["executed"]!.GetValue<int>()));
        Assert.Equal(expected, pacs.OutputHashes());
        var pulled = JsonNode.Parse(pacs.Run("pull", "--json").AssertExit(0).Out)!["pull"]![0]!;
        Assert.Equal((files.Count, 0), (pulled["instances"]!.GetValue<int>(), pulled["fetched"]!.GetValue<int>()));
        Assert.Contains($"source 'raw': {files.Count} instances pinned by the last pull", pacs.Run("status").AssertExit(0).Out);
    }

    [SkippableFact]
    public void Curation_labels_keyed_by_original_patient_ids_splits_and_nifti_volumes_from_a_dicomweb_source_equal_those_from_a_folder()
    {
        using var server = OrthancServer.Start();
        const string labels = "  - {id: grades, kind: labels, path: grades.csv, format: csv, key: PatientID}";
        const string sections = """
            curate:
              duplicates: {on_fail: exclude}
              series_integrity: {on_fail: warn}
            labels:
              annotations:
                - {name: grade, kind: categorical, level: patient, source: grades, values: [low, high], required: true}
            splits:
              seed: 7
              ratios: {train: 0.5, test: 0.5}
            """;
        using var folder = DicomWebProject.OfFolder(Secret, sections, labels, layout: "nifti");
        var files = folder.Synth("raw", Small with { Patients = 4 });
        server.Upload(files);
        using var pacs = DicomWebProject.OfServer(server, Secret, extraYaml: sections, moreSources: labels, layout: "nifti");
        // The label table names the original patients (read here from the files, the private side), in both projects.
        var patients = files.Select(f => DataForge.Dicom.DicomFile.OpenHeader(f).Dataset)
            .Select(ds => (Id: ds.GetString(DataForge.Dicom.DicomTags.PatientID)!.Trim(), Issuer: ds.GetString(DataForge.Dicom.DicomTags.IssuerOfPatientID)?.Trim() ?? ""))
            .Distinct().Order().ToList();
        var table = "PatientID,IssuerOfPatientID,grade\n" + string.Concat(patients.Select((p, i) => $"{p.Id},{p.Issuer},{(i % 2 == 0 ? "low" : "high")}\n"));
        File.WriteAllText(folder.Combine("grades.csv"), table);
        File.WriteAllText(pacs.Combine("grades.csv"), table);

        folder.Run("build").AssertExit(0);
        pacs.Run("build").AssertExit(0);
        var expected = folder.OutputHashes();
        Assert.Contains(expected.Keys, k => k.EndsWith(".nii.gz", StringComparison.Ordinal));
        Assert.Contains(expected.Keys, k => k.StartsWith("labels/", StringComparison.Ordinal));
        Assert.Contains(expected.Keys, k => k.StartsWith("splits", StringComparison.Ordinal));
        Assert.Equal(expected, pacs.OutputHashes());
    }

    [SkippableFact]
    public void After_the_server_gains_studies_the_earlier_release_verifies_and_status_refresh_counts_them()
    {
        using var server = OrthancServer.Start();
        using var pacs = DicomWebProject.OfServer(server, Secret);
        server.Upload(pacs.Synth("first", Small));
        pacs.InitGit();
        pacs.Run("build").AssertExit(0);
        pacs.Run("release", "v1", "-m", "first").AssertExit(0);
        var released = pacs.OutputHashes();

        server.Upload(pacs.Synth("second", Small with { Patients = 1, Seed = 2 }));
        var status = pacs.Run("status", "--refresh").AssertExit(0);
        Assert.Contains("source 'raw': 12 instances pinned by the last pull; a fresh query would add 2 studies (6 instances) and remove 0 studies (0 instances)", status.Out);
        var json = JsonNode.Parse(pacs.Run("status", "--refresh", "--json").AssertExit(0).Out)!["dicomweb"]![0]!["refresh"]!;
        Assert.Equal(2, json["studies_added"]!.GetValue<int>());
        Assert.Equal(6, json["instances_added"]!.GetValue<int>());

        // The next build pulls the new studies; the release still rebuilds from exactly what it read.
        var built = JsonNode.Parse(pacs.Run("build", "--json").AssertExit(0).Out)!;
        Assert.Equal(6, built["pull"]![0]!["fetched"]!.GetValue<int>());
        Assert.True(pacs.OutputHashes().Count > released.Count);
        pacs.Run("verify", "v1").AssertExit(0);
        // With every instance cached, verify asks no server (and needs no credentials).
        var credentials = pacs.Environment["PACS_AUTH"];
        pacs.Environment.Remove("PACS_AUTH");
        pacs.Run("verify", "v1").AssertExit(0);
        pacs.Environment["PACS_AUTH"] = credentials;

        // With the private cache gone, verify fetches the release's instances again and checks them by hash.
        foreach (var f in pacs.CachedObjects()) { File.SetAttributes(f, FileAttributes.Normal); File.Delete(f); }
        pacs.Run("verify", "v1").AssertExit(0);
        Assert.Equal(12, pacs.CachedObjects().Count);
    }

    [SkippableFact]
    public void Gc_removes_cached_instances_no_pin_and_no_release_reads_and_keeps_what_a_release_read()
    {
        using var server = OrthancServer.Start();
        using var pacs = DicomWebProject.OfServer(server, Secret);
        // The studies of a synthetic set, as a QIDO-RS list (two sets may share a synthetic patient ID, never a study).
        string PatientOf(IReadOnlyList<string> files) => "[" + string.Join(", ", files
            .Select(f => DataForge.Dicom.IO.DicomReader.ReadFile(f).Dataset.GetString(DataForge.Dicom.DicomTags.StudyInstanceUID)!.Trim()).Distinct()) + "]";
        var first = pacs.Synth("first", Small with { Patients = 1 });
        var second = pacs.Synth("second", Small with { Patients = 1, Seed = 2 });
        server.Upload(first);
        server.Upload(second);
        var manifest = File.ReadAllText(pacs.Combine("dataforge.yaml"));
        void Query(string patient) => File.WriteAllText(pacs.Combine("dataforge.yaml"),
            manifest.Replace("auth: {basic: env:PACS_AUTH}", $"auth: {{basic: env:PACS_AUTH}}\n    query: {{StudyInstanceUID: {patient}}}", StringComparison.Ordinal));
        pacs.InitGit();

        // A pull of the second patient that no release takes, then the first patient's, released.
        Query(PatientOf(second));
        pacs.Run("build").AssertExit(0);
        Query(PatientOf(first));
        pacs.Run("build").AssertExit(0);
        pacs.Git("add", "dataforge.yaml");
        pacs.Git("commit", "-q", "-m", "first patient");
        pacs.Run("release", "v1").AssertExit(0);
        Assert.Equal(first.Count + second.Count, pacs.CachedObjects().Count);

        // gc: the second patient's instances go (neither pinned nor released); the first's stay.
        var gc = pacs.Run("gc").AssertExit(0);
        Assert.True(gc.Out.Contains($"source 'raw': removed {second.Count} cached instances", StringComparison.Ordinal), gc.Out + File.ReadAllText(pacs.Combine("dataforge.yaml")));
        Assert.Equal(first.Count, pacs.CachedObjects().Count);

        // Pinned to the second patient again: the released first patient's instances stay through gc, and v1 verifies
        // from the cache alone (no credentials).
        Query(PatientOf(second));
        pacs.Run("build").AssertExit(0);
        var json = System.Text.Json.Nodes.JsonNode.Parse(pacs.Run("gc", "--json").AssertExit(0).Out)!;
        Assert.Equal(0, json["dicomweb"]![0]!["instances_removed"]!.GetValue<int>());
        Assert.Equal(first.Count + second.Count, pacs.CachedObjects().Count);
        pacs.Environment.Remove("PACS_AUTH");
        pacs.Run("verify", "v1").AssertExit(0);
    }

    [SkippableFact]
    public void A_server_killed_in_the_middle_of_a_pull_fails_the_build_clearly_and_the_next_build_resumes()
    {
        using var server = OrthancServer.Start();
        using var pacs = DicomWebProject.OfServer(server, Secret);
        var files = pacs.Synth("staging", Small with { Slices = 4 });
        server.Upload(files);
        pacs.Environment["DATAFORGE_PROGRESS_SECONDS"] = "0";
        pacs.Environment["DATAFORGE_HTTP_ATTEMPTS"] = "2";

        // Killed (SIGKILL) from the pull's own progress, once the first series is in and before the third is asked for.
        var watch = new KillAt(server, "progress: pull source 'raw' 5/16 ");
        var failed = pacs.Run(watch, "build");
        Assert.True(watch.Killed, failed.Error);
        Assert.Equal(2, failed.ExitCode);
        Assert.Contains("source 'raw': cannot reach the DICOMweb server at 127.0.0.1:", failed.Error);
        Assert.DoesNotContain(server.Password, failed.Error);
        var cached = pacs.CachedObjects().Count;
        Assert.InRange(cached, 5, files.Count - 1);
        Assert.Empty(pacs.OutputHashes());
        Assert.False(File.Exists(pacs.Combine(".dataforge", "pacs", "raw", "pinned.tsv")));

        server.Run();
        var resumed = JsonNode.Parse(pacs.Run("build", "--json").AssertExit(0).Out)!;
        Assert.Equal(files.Count - cached, resumed["pull"]![0]!["fetched"]!.GetValue<int>());
        Assert.Equal(files.Count, pacs.CachedObjects().Count);
        Assert.Equal(files.Count, resumed["index"]!["files"]!.GetValue<int>());
    }

    [SkippableFact]
    public void A_series_that_grew_on_the_server_is_listed_again_and_only_its_new_instances_are_fetched()
    {
        using var server = OrthancServer.Start();
        using var pacs = DicomWebProject.OfServer(server, Secret);
        var ct = new SynthOptions { Patients = 1, Slices = 3, Matrix = 16, Modalities = ["CT"] };
        server.Upload(pacs.Synth("first", ct));
        var first = JsonNode.Parse(pacs.Run("build", "--json").AssertExit(0).Out)!["pull"]![0]!;
        Assert.Equal((1, 3, 3), (first["series"]!.GetValue<int>(), first["instances"]!.GetValue<int>(), first["fetched"]!.GetValue<int>()));

        // Same seed, more slices: the same series UID, three instances Orthanc already holds (kept as they are) and two new ones.
        server.Upload(pacs.Synth("grown", ct with { Slices = 5 }));
        Assert.Contains("a fresh query would add 0 studies (2 instances) and remove 0 studies (0 instances)", pacs.Run("status", "--refresh").AssertExit(0).Out);
        var grown = JsonNode.Parse(pacs.Run("build", "--json").AssertExit(0).Out)!["pull"]![0]!;
        Assert.Equal((5, 2), (grown["instances"]!.GetValue<int>(), grown["fetched"]!.GetValue<int>()));
        Assert.Equal(5, JsonNode.Parse(pacs.Run("build", "--json").AssertExit(0).Out)!["index"]!["files"]!.GetValue<int>());
    }

    [SkippableFact]
    public void A_wrong_password_ends_with_exit_2_naming_the_source_and_caches_and_publishes_nothing()
    {
        using var server = OrthancServer.Start();
        using var pacs = DicomWebProject.OfServer(server, Secret, password: "not-the-password");
        server.Upload(pacs.Synth("staging", Small));

        var result = pacs.Run("build");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("source 'raw': the server at 127.0.0.1:", result.Error);
        Assert.Contains("refused the credentials (HTTP 401)", result.Error);
        Assert.DoesNotContain("not-the-password", result.Error + result.Out);
        Assert.DoesNotContain(OrthancServer.User, result.Error + result.Out);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Empty(pacs.CachedObjects());
        Assert.Empty(pacs.OutputHashes());

        var json = JsonNode.Parse(pacs.Run("build", "--json").Out)!;
        Assert.Equal("usage", json["error"]!.GetValue<string>());
    }

    /// <summary>Stderr that kills the server (by its pid) as soon as a line containing <paramref name="marker"/> is written.</summary>
    private sealed class KillAt(OrthancServer server, string marker) : StringWriter
    {
        public bool Killed { get; private set; }

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (!Killed && value is not null && value.Contains(marker, StringComparison.Ordinal))
            {
                server.Kill();
                Killed = true;
            }
        }
    }
}
