using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>A BIDS tree (written by nibabel) built by the CLI: sequential pseudonyms from the vault, re-identification by subject.</summary>
public sealed class NiftiSourceCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-cli-nifti");

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void A_new_subject_reaches_the_vault_when_no_DICOM_instance_changed()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "DataForge.Stages.Tests", "Oracles", "write_bids.py");
        Assert.Equal(0, Oracle.Run(python, [script, _dir.Path]).ExitCode);
        DataForge.Synth.SynthWriter.Write(_dir.Combine("dicom"), new DataForge.Synth.SynthOptions { Patients = 1, Slices = 2, Matrix = 8, Modalities = ["MR"] });
        _dir.WriteText("dataforge.yaml", """
            version: 1
            name: bids-vault
            sources:
              - {id: ct, kind: dicom, path: dicom}
              - {id: bids, kind: nifti, path: bids}
            deidentify: {profile: basic}
            output: {path: out, layout: nifti}
            """);
        var first = CliRunner.Run(_dir.Path, "build");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("vault: 4 new patients, 4 in all", first.Error);
        Directory.CreateDirectory(_dir.Combine("bids", "sub-04", "anat"));
        File.Copy(_dir.Combine("bids", "sub-02", "anat", "sub-02_T1w.nii.gz"), _dir.Combine("bids", "sub-04", "anat", "sub-04_T1w.nii.gz"));
        var grown = CliRunner.Run(_dir.Path, "build");
        Assert.True(grown.ExitCode == 0, grown.Error);
        // The DICOM instances are all served from the cache: the NIfTI stage alone ran.
        Assert.Contains("deidentify: 2 items: 0 ran, 2 cached, 0 failed", grown.Out);
        Assert.Contains("vault: 1 new patient, 5 in all", grown.Error);
    }

    [SkippableFact]
    public void BIDS_subjects_get_sequential_pseudonyms_from_the_vault_and_look_up_both_ways()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "DataForge.Stages.Tests", "Oracles", "write_bids.py");
        var written = Oracle.Run(python, [script, _dir.Path]);
        Assert.True(written.ExitCode == 0, written.StandardError);
        _dir.WriteText("dataforge.yaml", """
            version: 1
            name: bids-cli
            sources:
              - {id: bids, kind: nifti, path: bids}
            deidentify:
              profile: basic
              pseudonym: {format: "SUBJ-{seq:3}"}
            output: {path: out, layout: nifti}
            """);
        var build = CliRunner.Run(_dir.Path, "build", "-j", "2");
        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Equal(["SUBJ-001", "SUBJ-002", "SUBJ-003"], Directory.GetDirectories(_dir.Combine("out", "nifti")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // sub-01 has two sessions: two volumes (and sidecars) under one pseudonym.
        var forward = CliRunner.Run(_dir.Path, "pseudonyms", "lookup", "sub-01");
        Assert.True(forward.ExitCode == 0, forward.Error);
        var pseudonym = forward.Out.Trim();
        Assert.Equal(2, Directory.GetFiles(_dir.Combine("out", "nifti", pseudonym), "*.nii.gz").Length);
        var back = CliRunner.Run(_dir.Path, "pseudonyms", "lookup", pseudonym);
        Assert.Equal(0, back.ExitCode);
        Assert.Contains("id=sub-01", back.Out);
        // A second build numbers nobody anew and runs nothing.
        var again = CliRunner.Run(_dir.Path, "build");
        Assert.Equal(0, again.ExitCode);
        Assert.DoesNotContain("vault:", again.Error);
        Assert.Contains("nifti.deidentify: 4 items: 0 ran, 4 cached, 0 failed", again.Out);

        // A new subject alone (no DICOM source changed) reaches the vault and gets the next number.
        var image = _dir.Combine("bids", "sub-02", "anat", "sub-02_T1w.nii.gz");
        Directory.CreateDirectory(_dir.Combine("bids", "sub-04", "anat"));
        File.Copy(image, _dir.Combine("bids", "sub-04", "anat", "sub-04_T1w.nii.gz"));
        var grown = CliRunner.Run(_dir.Path, "build");
        Assert.True(grown.ExitCode == 0, grown.Error);
        Assert.True(Directory.Exists(_dir.Combine("out", "nifti", "SUBJ-004")));
        Assert.Contains("id=sub-04", CliRunner.Run(_dir.Path, "pseudonyms", "lookup", "SUBJ-004").Out);
        File.Delete(_dir.Combine("bids", "sub-04", "anat", "sub-04_T1w.nii.gz"));
        Assert.Equal(0, CliRunner.Run(_dir.Path, "build").ExitCode);

        // A release lists the volumes and their sidecars as it lists those of DICOM series.
        foreach (var args in new[] { new[] { "init", "-q", "-b", "main" }, ["config", "user.name", "T"], ["config", "user.email", "t@example.invalid"] })
            Assert.Equal(0, Oracle.Run("git", args, _dir.Path).ExitCode);
        var release = CliRunner.Run(_dir.Path, "release", "v1", "-m", "first");
        Assert.True(release.ExitCode == 0, release.Error);
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(_dir.Combine("releases", "v1", "manifest.json")));
        var files = manifest.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(4, files.Count(f => f.GetProperty("kind").GetString() == "nifti-volume"));
        Assert.Equal(4, files.Count(f => f.GetProperty("kind").GetString() == "sidecar"));
        Assert.All(files.Where(f => f.GetProperty("kind").GetString() == "nifti-volume"), f =>
            Assert.Equal("MR", f.GetProperty("item").GetProperty("modality").GetString()));
    }
}
