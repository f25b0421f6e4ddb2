using System.Text.Json;
using DataForge.Synth;

namespace DataForge.Release.Tests;

/// <summary>
/// Defects that broke between commands, each of which passed its own tests: every command now binds the
/// manifest through one Project, and a release rebuilds from exactly the inputs it recorded.
/// </summary>
public sealed class ProjectWiringTests
{
    private static void SetPseudonym(ReleaseProject p, string format) =>
        File.AppendAllText(p.Combine("dataforge.yaml"), $"  pseudonym:\n    format: \"{format}\"\n");

    /// <summary>A third patient the project has not seen, moved into raw/ from a synthetic export of three (the first two are the project's own).</summary>
    private static void AddPatient(ReleaseProject p)
    {
        var staging = p.Combine("staging");
        SynthWriter.Write(staging, new SynthOptions { Patients = 3, Slices = 3, Matrix = 16 });
        var known = Directory.GetDirectories(p.Combine("raw")).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var added = Assert.Single(Directory.GetDirectories(staging), d => !known.Contains(Path.GetFileName(d)));
        Directory.Move(added, p.Combine("raw", Path.GetFileName(added)));
        Directory.Delete(staging, recursive: true);
    }

    private static HashSet<string> Patients(ReleaseProject p, string version) =>
        JsonDocument.Parse(p.Git("show", $"{version}:releases/{version}/manifest.json")).RootElement.GetProperty("files").EnumerateArray()
            .Select(f => f.GetProperty("item").TryGetProperty("patient", out var patient) ? patient.GetString() : null)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void A_release_with_sequential_pseudonyms_verifies()
    {
        using var p = new ReleaseProject();
        SetPseudonym(p, "SUBJ-{seq:3}");
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        Assert.Equal(["SUBJ-001", "SUBJ-002"], Patients(p, "v1").Order(StringComparer.Ordinal));

        var verified = p.Run("verify", "v1").AssertExit(0);
        Assert.Contains("files: 13 matched, 0 differing, 0 missing, 0 extra", verified.Out);
    }

    [Theory]
    [InlineData("ANON-{hash:10}")]
    [InlineData("SUBJ-{hash:6}")]
    [InlineData("SUBJ-{seq:3}")]
    public void An_older_release_verifies_after_the_sources_gain_a_patient_and_diff_names_only_that_patient(string format)
    {
        using var p = new ReleaseProject();
        SetPseudonym(p, format);
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);

        AddPatient(p);
        p.Run("build").AssertExit(0);
        p.Run("release", "v2").AssertExit(0);

        var v1 = p.Run("verify", "v1").AssertExit(0);
        Assert.Contains("sources: 12 of 12 as released", v1.Out);
        Assert.Contains("files: 13 matched, 0 differing, 0 missing, 0 extra", v1.Out);
        p.Run("verify", "v2").AssertExit(0);

        var added = Patients(p, "v2").Except(Patients(p, "v1")).ToList();
        var patient = Assert.Single(added);
        var diff = JsonDocument.Parse(p.Run("diff", "v1", "v2", "--json").AssertExit(0).Out).RootElement;
        Assert.Equal([patient], diff.GetProperty("patients").GetProperty("added").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(diff.GetProperty("patients").GetProperty("removed").EnumerateArray());
        // Only the new patient's instances were added, and nothing that v1 released changed or went
        // (the de-identification report counts the new instances, so it changes).
        var files = diff.GetProperty("files");
        Assert.All(files.GetProperty("added").EnumerateArray(), f => Assert.Contains(patient, f.GetRawText()));
        Assert.Empty(files.GetProperty("removed").EnumerateArray());
        Assert.All(files.GetProperty("changed").EnumerateArray(), f => Assert.Contains("deidentification.json", f.GetRawText()));
    }

    [Fact]
    public void Status_build_and_verify_plan_the_same_action_keys()
    {
        using var p = new ReleaseProject();
        SetPseudonym(p, "SUBJ-{seq:3}");
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        // Status after the build plans nothing: its keys are the build's.
        var status = JsonDocument.Parse(p.Run("status", "--json").AssertExit(0).Out).RootElement;
        Assert.True(status.GetProperty("up_to_date").GetBoolean(), status.GetRawText());
        // The release records each output's action key; verify rebuilds in a fresh store with the same
        // keys, and a second release of the unchanged build records the same keys.
        var verify = JsonDocument.Parse(p.Run("verify", "v1", "--json").AssertExit(0).Out).RootElement.GetProperty("files");
        Assert.Equal(13, verify.GetProperty("matched").GetInt32());
        Assert.Equal(13, verify.GetProperty("same_actions").GetInt32());
        p.Run("release", "v1b").AssertExit(0);
        static IEnumerable<string> Keys(string manifest) => JsonDocument.Parse(manifest).RootElement.GetProperty("files").EnumerateArray()
            .Select(f => f.GetProperty("path").GetString() + " " + f.GetProperty("provenance").GetProperty("action").GetString());
        Assert.Equal(Keys(p.Git("show", "v1:releases/v1/manifest.json")), Keys(p.Git("show", "v1b:releases/v1b/manifest.json")));
    }
}
