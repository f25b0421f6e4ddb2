using System.Text.Json;
using DataForge.Cli.Output;
using DataForge.Engine;
using DataForge.Engine.Store;
using DataForge.Testing;
using NJsonSchema;

namespace DataForge.Release.Tests;

public sealed class ReleaseCommandTests
{
    private static Dictionary<string, string> FilesOf(string manifestJson) =>
        JsonDocument.Parse(manifestJson).RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString()!, StringComparer.Ordinal);

    /// <summary>The v1 instance made from the source whose content hashes to <paramref name="sourceSha"/>.</summary>
    private static string OutputMadeFrom(string manifestJson, string sourceSha) =>
        JsonDocument.Parse(manifestJson).RootElement.GetProperty("files").EnumerateArray()
            .Where(f => f.GetProperty("kind").GetString() == "dicom-instance")
            .Single(f => f.GetProperty("provenance").GetProperty("inputs").EnumerateArray().Any(i => i.GetString() == sourceSha))
            .GetProperty("path").GetString()!;

    [SkippableFact]
    public async Task Release_commits_the_manifest_and_an_annotated_tag_that_system_git_reads()
    {
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);

        var result = p.Run("release", "v1", "-m", "First cohort").AssertExit(0);

        // 12 de-identified instances and the de-identification report.
        Assert.Contains("released v1: 13 files", result.Out);
        var shown = p.Git("show", "v1:releases/v1/manifest.json");
        Assert.Equal(File.ReadAllText(p.Combine("releases", "v1", "manifest.json")), shown);
        Assert.Equal("tag", p.Git("cat-file", "-t", "v1").Trim());
        Assert.Equal("First cohort", p.Git("for-each-ref", "--format=%(contents:subject)", "refs/tags/v1").Trim());
        var committed = p.Git("show", "--name-only", "--format=", "v1^{commit}").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(["dataforge.yaml", "releases/v1/card.html", "releases/v1/card.md", "releases/v1/manifest.json"], committed);
        Assert.Equal("main", p.Git("rev-parse", "--abbrev-ref", "HEAD").Trim());

        // Every output file, hashed here from disk, and nothing else.
        Assert.Equal(p.OutputHashes().OrderBy(e => e.Key, StringComparer.Ordinal), FilesOf(shown).OrderBy(e => e.Key, StringComparer.Ordinal));
        // Each instance was made from one source file: its input is that file's SHA-256, hashed here.
        var sources = p.Sources().Select(ReleaseProject.Sha256Of).ToHashSet(StringComparer.Ordinal);
        var released = JsonDocument.Parse(shown).RootElement.GetProperty("files").EnumerateArray().ToList();
        var report = Assert.Single(released, f => f.GetProperty("kind").GetString() == "report");
        Assert.Equal("deidentification.json", report.GetProperty("path").GetString());
        var inputs = released.Where(f => f.GetProperty("kind").GetString() == "dicom-instance")
            .Select(f => Assert.Single(f.GetProperty("provenance").GetProperty("inputs").EnumerateArray()).GetString()!).ToList();
        Assert.Equal(sources.Order(StringComparer.Ordinal), inputs.Order(StringComparer.Ordinal));
        // No original path or name: the synthetic patients' folders are named after them.
        foreach (var folder in Directory.GetDirectories(p.Combine("raw")).Select(Path.GetFileName))
            Assert.DoesNotContain(folder!, shown, StringComparison.OrdinalIgnoreCase);

        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "release-manifest.schema.json"));
        Assert.Empty(schema.Validate(shown));

        var log = JsonDocument.Parse(p.Run("log", "--json").AssertExit(0).Out).RootElement.GetProperty("releases");
        var only = Assert.Single(log.EnumerateArray());
        Assert.Equal(("v1", "First cohort", 2, 13), (only.GetProperty("version").GetString(), only.GetProperty("message").GetString(),
            only.GetProperty("patients").GetInt32(), only.GetProperty("files").GetInt32()));
    }

    [SkippableFact]
    public void A_second_release_after_a_policy_change_and_a_removed_source_shows_in_the_diff()
    {
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var v1 = p.Git("show", "v1:releases/v1/manifest.json");
        var gone = p.Sources()[0];
        var removedOutput = OutputMadeFrom(v1, ReleaseProject.Sha256Of(gone));
        File.Delete(gone);
        File.AppendAllText(p.Combine("dataforge.yaml"), "  pseudonym_prefix: T-\n");
        p.Run("build").AssertExit(0);
        p.Run("release", "v2", "-m", "Prefix T-, one instance withdrawn").AssertExit(0);

        var diff = JsonDocument.Parse(p.Run("diff", "v1", "v2", "--json").AssertExit(0).Out).RootElement;

        var files = diff.GetProperty("files");
        Assert.Equal([removedOutput], files.GetProperty("removed").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(files.GetProperty("added").EnumerateArray());
        // 11 instances under new pseudonym paths, paired by the source they came from, and the report.
        Assert.Equal(12, files.GetProperty("changed").GetArrayLength());
        var patients = diff.GetProperty("patients");
        Assert.Equal(2, patients.GetProperty("added").GetArrayLength());
        Assert.All(patients.GetProperty("added").EnumerateArray(), e => Assert.StartsWith("T-", e.GetString()));
        Assert.Equal(2, patients.GetProperty("removed").GetArrayLength());
        Assert.Equal(11, diff.GetProperty("attribute_changes").GetProperty("patient").GetInt32());
        var policy = Assert.Single(diff.GetProperty("policy_changes").EnumerateArray());
        Assert.Equal(("deidentify.pseudonym_prefix", "\"T-\""), (policy.GetProperty("path").GetString(), policy.GetProperty("after").GetString()));
        Assert.Contains(diff.GetProperty("tool_changes").EnumerateArray(), c => c.GetProperty("path").GetString() == "manifest_sha256");

        var markdown = p.Run("diff", "v1", "v2", "--markdown").AssertExit(0).Out;
        Assert.Contains("# Release diff: v1 → v2", markdown);
        Assert.Contains("- 0 added, 1 removed, 12 changed, 0 unchanged", markdown);
        Assert.Contains("deidentify.pseudonym_prefix: (absent) -> \"T-\"", markdown);

        var headRun = p.Run("diff", "v2", "HEAD", "--json").AssertExit(0);
        Assert.True(JsonDocument.Parse(headRun.Out).RootElement.GetProperty("identical").GetBoolean());
        Assert.DoesNotContain("not committed", headRun.Error);
        File.AppendAllText(p.Combine("dataforge.yaml"), "# a comment\n");
        // A manifest that differs from Git's HEAD: HEAD would name a build no commit describes.
        var dirty = p.Run("diff", "v2", "HEAD").AssertExit(2);
        Assert.Contains("dataforge.yaml has changes not committed to Git", dirty.Error);
        Assert.DoesNotContain("   at ", dirty.Error);
        p.Run("diff", "v1", "v2").AssertExit(0); // two releases need no clean tree
        var log = p.Run("log").AssertExit(0).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, log.Length);
        Assert.StartsWith("v2 ", log[1]);
        Assert.Contains("2 patients, 4 studies, 4 series, 12 files", log[1]);
    }

    [SkippableFact]
    public void Each_released_instance_carries_its_patients_split_and_fold_from_splits_json_and_its_manufacturer()
    {
        using var p = new ReleaseProject(patients: 4);
        File.AppendAllText(p.Combine("dataforge.yaml"), "splits:\n  seed: 7\n  ratios: {train: 0.5, test: 0.5}\n  folds: 2\n");
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);

        // The split file as published, read here; the release must agree with it for every instance.
        var published = JsonDocument.Parse(File.ReadAllText(p.Combine("out", "splits.json"))).RootElement.GetProperty("patients").EnumerateArray()
            .ToDictionary(e => e.GetProperty("pseudonym").GetString()!, e => e);
        Assert.Equal(4, published.Count);
        var files = JsonDocument.Parse(p.Git("show", "v1:releases/v1/manifest.json")).RootElement.GetProperty("files").EnumerateArray()
            .Where(f => f.GetProperty("kind").GetString() == "dicom-instance").ToList();
        Assert.Equal(24, files.Count);
        foreach (var f in files)
        {
            var item = f.GetProperty("item");
            var entry = published[item.GetProperty("patient").GetString()!];
            Assert.Equal(entry.GetProperty("split").GetString(), item.GetProperty("split").GetString());
            if (entry.GetProperty("fold").ValueKind == JsonValueKind.Number) Assert.Equal(entry.GetProperty("fold").GetInt32(), item.GetProperty("fold").GetInt32());
            else Assert.False(item.TryGetProperty("fold", out _));
        }

        // The manufacturer each released instance names is what pydicom reads in the published file.
        var python = Oracle.RequirePython("pydicom");
        var read = Oracle.Run(python, ["-c", "import sys, json, pydicom; print(json.dumps({p: str(pydicom.dcmread(p).get('Manufacturer', '')) for p in sys.argv[1:]}))",
            .. files.Select(f => p.Combine("out", f.GetProperty("path").GetString()!))]);
        Assert.True(read.ExitCode == 0, read.StandardError);
        var manufacturers = JsonDocument.Parse(read.StandardOutput).RootElement;
        Assert.All(files, f => Assert.Equal(manufacturers.GetProperty(p.Combine("out", f.GetProperty("path").GetString()!)).GetString(),
            f.GetProperty("item").GetProperty("manufacturer").GetString()));
    }

    [SkippableFact]
    public void Verify_passes_unchanged_and_names_the_file_when_one_source_byte_changes()
    {
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var v1 = p.Git("show", "v1:releases/v1/manifest.json");

        var ok = p.Run("verify", "v1").AssertExit(0);
        Assert.Contains("files: 13 matched, 0 differing, 0 missing, 0 extra", ok.Out);
        p.Run("verify", "--sources-only").AssertExit(0);

        var victim = p.Sources()[5];
        var expected = OutputMadeFrom(v1, ReleaseProject.Sha256Of(victim));
        var bytes = File.ReadAllBytes(victim);
        bytes[^1] ^= 0x01; // one pixel byte
        File.WriteAllBytes(victim, bytes);

        var bad = p.Run("verify", "v1").AssertExit(1);
        // Only the instance made from that source: the de-identification report counts attributes, not pixels.
        Assert.Contains("files: 12 matched, 1 differing, 0 missing, 0 extra", bad.Out);
        Assert.Contains($"differs: {expected}", bad.Out);
        var relative = Path.GetRelativePath(p.Combine("raw"), victim).Replace('\\', '/');
        Assert.Contains($"changed source: raw {ItemReference.Of($"raw:{relative}")}", bad.Out);
        Assert.DoesNotContain(relative.Split('/')[0], bad.Out + bad.Error);
        Assert.Contains("NOT verified", bad.Out);
        var sourcesOnly = JsonDocument.Parse(p.Run("verify", "v1", "--sources-only", "--json").AssertExit(1).Out).RootElement;
        Assert.False(sourcesOnly.GetProperty("verified").GetBoolean());
        Assert.Single(sourcesOnly.GetProperty("sources").GetProperty("missing").EnumerateArray());
        p.Run("verify", "v9").AssertExit(2);
    }

    [SkippableFact]
    public void Builds_with_one_and_two_jobs_give_identical_release_manifests()
    {
        using var a = new ReleaseProject();
        using var b = new ReleaseProject();
        a.Run("build", "-j", "1").AssertExit(0);
        File.Copy(a.Combine("dataforge.yaml"), b.Combine("dataforge.yaml"), overwrite: true);
        Directory.CreateDirectory(b.Combine(".dataforge"));
        File.Copy(a.Combine(".dataforge", "secret.key"), b.Combine(".dataforge", "secret.key"));
        b.Run("build", "-j", "2").AssertExit(0);

        a.Run("release", "v1").AssertExit(0);
        b.Run("release", "v1").AssertExit(0);

        Assert.Equal(File.ReadAllBytes(a.Combine("releases", "v1", "manifest.json")), File.ReadAllBytes(b.Combine("releases", "v1", "manifest.json")));
        Assert.Equal(a.OutputHashes().OrderBy(e => e.Key, StringComparer.Ordinal), b.OutputHashes().OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [SkippableFact]
    public void Release_is_refused_when_not_in_git_when_the_tag_exists_and_when_the_build_is_stale()
    {
        using (var plain = new ReleaseProject(git: false))
        {
            plain.Run("build").AssertExit(0);
            var refused = plain.Run("release", "v1").AssertExit(2);
            Assert.Contains("not in a Git repository", refused.Error);
            Assert.False(Directory.Exists(plain.Combine("releases")));
        }

        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var again = p.Run("release", "v1", "--json").AssertExit(2);
        Assert.Contains("tag 'v1' exists already", again.Error);
        Assert.Equal("usage", JsonDocument.Parse(again.Out).RootElement.GetProperty("error").GetString());
        p.Run("release", "../x").AssertExit(2);
        File.WriteAllText(p.Combine("notes.txt"), "draft");
        p.Git("add", "notes.txt");
        var staged = p.Run("release", "v2").AssertExit(2);
        Assert.Contains("1 other change(s) are staged", staged.Error);
        Assert.False(Directory.Exists(p.Combine("releases", "v2")));
        p.Git("reset", "-q", "notes.txt");

        var victim = p.Sources()[0];
        var bytes = File.ReadAllBytes(victim);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(victim, bytes);
        var stale = p.Run("release", "v2").AssertExit(1);
        Assert.Contains("not up to date", stale.Error);
        Assert.Equal("v1", p.Git("tag", "--list").Trim());
        Assert.False(Directory.Exists(p.Combine("releases", "v2")));
    }

    [SkippableFact]
    public void Gc_keeps_the_objects_of_a_release_and_export_writes_them_back()
    {
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var v1 = FilesOf(p.Git("show", "v1:releases/v1/manifest.json"));
        File.AppendAllText(p.Combine("dataforge.yaml"), "  pseudonym_prefix: T-\n");
        p.Run("build").AssertExit(0);

        var gc = JsonDocument.Parse(p.Run("gc", "--json").AssertExit(0).Out).RootElement;
        p.Run("export", "v1", "exported").AssertExit(0);

        Assert.Equal(v1.OrderBy(e => e.Key, StringComparer.Ordinal), p.OutputHashes("exported").OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.True(gc.GetProperty("objects_removed").GetInt32() >= 0);
        p.Run("export", "v1", "exported").AssertExit(2); // not empty

        // Without the release's root, the same gc removes those objects, and export says so.
        new BuildEngine(new StoreLayout(p.Path, p.Combine("out"))).RemoveRoot("release:v1");
        var collected = JsonDocument.Parse(p.Run("gc", "--json").AssertExit(0).Out).RootElement;
        Assert.True(collected.GetProperty("objects_removed").GetInt32() >= 13);
        var missing = p.Run("export", "v1", "again").AssertExit(1);
        Assert.Contains("13 of 13 files of v1 are not in this project's store", missing.Error);
    }

    [SkippableFact]
    public void The_release_section_sets_the_branch_the_tag_prefix_and_the_card()
    {
        using var p = new ReleaseProject();
        File.AppendAllText(p.Combine("dataforge.yaml"), "release:\n  branch: datasets\n  tag_prefix: dataset-\n  card: false\n");
        p.Run("build").AssertExit(0);

        var wrongBranch = p.Run("release", "v1").AssertExit(2);
        Assert.Contains("release.branch is 'datasets' but HEAD is on 'main'", wrongBranch.Error);
        p.Git("symbolic-ref", "HEAD", "refs/heads/datasets");
        p.Run("release", "v1").AssertExit(0);

        Assert.Equal("dataset-v1", p.Git("tag", "--list").Trim());
        Assert.Equal(p.Git("rev-parse", "dataset-v1^{commit}"), p.Git("rev-parse", "datasets"));
        var committed = p.Git("show", "--name-only", "--format=", "dataset-v1^{commit}").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(["dataforge.yaml", "releases/v1/manifest.json"], committed);
        Assert.Equal("v1", JsonDocument.Parse(p.Run("log", "--json").AssertExit(0).Out).RootElement.GetProperty("releases")[0].GetProperty("version").GetString());
        Assert.True(JsonDocument.Parse(p.Run("diff", "dataset-v1", "HEAD", "--json").AssertExit(0).Out).RootElement.GetProperty("identical").GetBoolean());
    }

    [SkippableFact]
    public void A_nifti_release_lists_volumes_made_from_the_deidentified_instances_of_their_series()
    {
        var python = Oracle.RequirePython("nibabel");
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        var instances = p.OutputHashes(); // dicom/PSEUDONYM/STUDY/SERIES/SOP.dcm, hashed from disk
        var yaml = File.ReadAllText(p.Combine("dataforge.yaml"));
        File.WriteAllText(p.Combine("dataforge.yaml"), yaml.Replace("output:\n  path: out\n", "output:\n  path: out\n  layout: nifti\n", StringComparison.Ordinal));
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);

        var all = JsonDocument.Parse(File.ReadAllText(p.Combine("releases", "v1", "manifest.json"))).RootElement.GetProperty("files").EnumerateArray().ToList();
        var files = all.Where(f => f.GetProperty("kind").GetString() == "nifti-volume").ToList();
        Assert.Equal(4, files.Count);
        // Beside each volume its BIDS-style sidecar, and the de-identification report.
        Assert.Equal(files.Select(f => f.GetProperty("path").GetString()![..^".nii.gz".Length] + ".json").Order(StringComparer.Ordinal),
            all.Where(f => f.GetProperty("kind").GetString() == "sidecar").Select(f => f.GetProperty("path").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(9, all.Count);
        foreach (var f in files)
        {
            var path = f.GetProperty("path").GetString()!;
            var parts = path.Split('/'); // nifti/PSEUDONYM/SERIES.nii.gz
            var series = parts[2][..^".nii.gz".Length];
            Assert.Equal("nifti-volume", f.GetProperty("kind").GetString());
            Assert.Equal("volume", f.GetProperty("provenance").GetProperty("stage").GetString());
            var expected = instances.Where(e => e.Key.StartsWith($"dicom/{parts[1]}/", StringComparison.Ordinal) && e.Key.Split('/')[3] == series)
                .Select(e => e.Value).Order(StringComparer.Ordinal);
            Assert.Equal(expected, f.GetProperty("provenance").GetProperty("inputs").EnumerateArray().Select(i => i.GetString()!).Order(StringComparer.Ordinal));
            Assert.Equal(series, f.GetProperty("item").GetProperty("series").GetString());
            var shape = Oracle.Run(python, ["-c", "import sys, nibabel; print(','.join(str(d) for d in nibabel.load(sys.argv[1]).shape))", p.Combine("out", path)]);
            Assert.Equal(0, shape.ExitCode);
            Assert.Equal(shape.StandardOutput.Trim(), string.Join(",", f.GetProperty("item").GetProperty("geometry").GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())));
        }
    }

    [SkippableFact]
    public void A_project_in_a_subfolder_of_the_repository_releases_under_its_folder_and_verify_takes_the_latest()
    {
        using var p = new ReleaseProject(git: false);
        using var top = new TempDirectory("dataforge-release-top");
        var project = Path.Combine(top.Path, "datasets", "ct");
        Directory.CreateDirectory(Path.GetDirectoryName(project)!);
        Directory.Move(p.Path, project);
        try
        {
            Oracle.Run(Oracle.Require("git"), ["init", "-q", "-b", "main"], top.Path);
            Oracle.Run("git", ["config", "user.name", "Release Test"], top.Path);
            Oracle.Run("git", ["config", "user.email", "release-test@example.invalid"], top.Path);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int Run(params string[] args) => DataForge.Cli.Program.Run(args,
                new DataForge.Cli.CliContext(new CliConsole(stdout, stderr, interactive: false, color: false), _ => null, project));

            Assert.Equal(0, Run("build"));
            Assert.Equal(0, Run("release", "v1"));
            var shown = Oracle.Run("git", ["show", "v1:datasets/ct/releases/v1/manifest.json"], top.Path);
            Assert.Equal(0, shown.ExitCode);
            Assert.Equal(File.ReadAllText(Path.Combine(project, "releases", "v1", "manifest.json")), shown.StandardOutput);
            Assert.Equal(0, Oracle.Run("git", ["cat-file", "-e", "v1:datasets/ct/dataforge.yaml"], top.Path).ExitCode);
            stdout.GetStringBuilder().Clear();
            Assert.Equal(0, Run("verify"));
            Assert.Contains("verified: v1 rebuilds bit for bit", stdout.ToString());
        }
        finally
        {
            Directory.Move(project, p.Path); // so the project's own clean-up finds it
            foreach (var f in Directory.EnumerateFiles(top.Path, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
        }
    }
}
