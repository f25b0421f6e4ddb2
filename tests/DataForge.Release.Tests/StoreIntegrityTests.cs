using System.Text.Json;

namespace DataForge.Release.Tests;

/// <summary>
/// Editing a file of out/ never damages a release: with copies the store is untouched; with hard links the write is
/// found, verify and export agree that the store is damaged, fsck names the file and the release, and a build repairs it.
/// </summary>
public sealed class StoreIntegrityTests
{
    private static string FirstOutput(ReleaseProject p) =>
        Directory.GetFiles(p.Combine("out"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();

    /// <summary>Writes into a file in place, as nibabel.save or an editor does (chmod first: root needs none, others do).</summary>
    private static void WriteInPlace(string path, byte[] content)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserWrite);
        using var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write);
        stream.Write(content);
    }

    [SkippableFact]
    public void With_hard_links_an_output_written_through_makes_verify_and_export_agree_fsck_name_it_and_a_build_repair_it()
    {
        using var p = new ReleaseProject();
        File.WriteAllText(p.Combine("dataforge.yaml"), File.ReadAllText(p.Combine("dataforge.yaml")).Replace("output:\n  path: out\n", "output:\n  path: out\n  link: hardlink\n", StringComparison.Ordinal));
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var released = p.OutputHashes();
        var victim = FirstOutput(p);
        var relative = Path.GetRelativePath(p.Combine("out"), victim).Replace('\\', '/');

        WriteInPlace(victim, "{}"u8.ToArray());

        // The store object behind the release is damaged now: both say so (a check of the sources and the store
        // alone cannot put it back; a full verify would, from its bit-identical rebuild: see below).
        var verify = p.Run("verify", "v1", "--sources-only").AssertExit(1);
        Assert.Contains("store: 12 of 13 objects intact, 1 damaged, 0 missing", verify.Out);
        Assert.Contains("NOT verified", verify.Out);
        Assert.DoesNotContain("\nverified: v1", "\n" + verify.Out);
        p.Run("export", "v1", "exported").AssertExit(1);
        var json = JsonDocument.Parse(p.Run("verify", "v1", "--sources-only", "--json").AssertExit(1).Out).RootElement;
        Assert.Equal(relative, Assert.Single(json.GetProperty("store").GetProperty("damaged").EnumerateArray()).GetString());

        var fsck = p.Run("fsck", "--json").AssertExit(1);
        var damaged = Assert.Single(JsonDocument.Parse(fsck.Out).RootElement.GetProperty("damaged").EnumerateArray());
        Assert.Equal(released[relative], damaged.GetProperty("object").GetString());
        Assert.Equal(relative, Assert.Single(damaged.GetProperty("outputs").EnumerateArray()).GetString());
        var release = Assert.Single(damaged.GetProperty("releases").EnumerateArray());
        Assert.Equal("v1", release.GetProperty("version").GetString());
        Assert.Equal(relative, Assert.Single(release.GetProperty("paths").EnumerateArray()).GetString());
        Assert.Single(Directory.GetFiles(p.Combine(".dataforge", "damaged")));

        // The next build makes the object again from its action and restores the file; then all agree again.
        var build = p.Run("build").AssertExit(0);
        Assert.Contains("output: 1 written", build.Out);
        Assert.Equal(released, p.OutputHashes());
        p.Run("fsck").AssertExit(0);
        Assert.Contains("verified: v1", p.Run("verify", "v1").AssertExit(0).Out);
        p.Run("export", "v1", "exported-again").AssertExit(0);
        Assert.Equal(released, p.OutputHashes("exported-again"));
    }

    [SkippableFact]
    public void A_full_verify_puts_a_damaged_release_object_back_from_its_bit_identical_rebuild_so_export_works_again()
    {
        using var p = new ReleaseProject();
        File.WriteAllText(p.Combine("dataforge.yaml"), File.ReadAllText(p.Combine("dataforge.yaml")).Replace("output:\n  path: out\n", "output:\n  path: out\n  link: hardlink\n", StringComparison.Ordinal));
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var released = p.OutputHashes();
        WriteInPlace(FirstOutput(p), "{}"u8.ToArray());
        p.Run("export", "v1", "exported").AssertExit(1);

        var verify = p.Run("verify", "v1").AssertExit(0);
        Assert.Contains("store: 13 of 13 objects intact, 0 damaged, 0 missing (1 put back from the bit-identical rebuild)", verify.Out);
        Assert.Single(Directory.GetFiles(p.Combine(".dataforge", "damaged")));
        Directory.Delete(p.Combine("exported"), recursive: true);
        p.Run("export", "v1", "exported").AssertExit(0);
        Assert.Equal(released, p.OutputHashes("exported"));
        p.Run("fsck").AssertExit(0);
    }

    [SkippableFact]
    public void With_hard_links_the_next_build_finds_a_written_through_object_itself_and_never_restores_its_bytes()
    {
        using var p = new ReleaseProject();
        File.WriteAllText(p.Combine("dataforge.yaml"), File.ReadAllText(p.Combine("dataforge.yaml")).Replace("output:\n  path: out\n", "output:\n  path: out\n  link: hardlink\n", StringComparison.Ordinal));
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var released = p.OutputHashes();
        var victim = FirstOutput(p);

        WriteInPlace(victim, "{}"u8.ToArray());
        File.Delete(victim);
        var build = p.Run("build").AssertExit(0);

        Assert.Contains("moved aside to .dataforge/damaged/", build.Error);
        Assert.Equal(released, p.OutputHashes());
        Assert.Contains("verified: v1", p.Run("verify", "v1").AssertExit(0).Out);
        p.Run("export", "v1", "exported").AssertExit(0);
    }

    [SkippableFact]
    public void By_default_an_edited_output_is_a_file_of_its_own_the_release_stays_intact_and_the_build_restores_it()
    {
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var released = p.OutputHashes();
        var victim = FirstOutput(p);

        WriteInPlace(victim, "{}"u8.ToArray());

        Assert.Contains("store: 13 of 13 objects intact", p.Run("verify", "v1").AssertExit(0).Out);
        p.Run("export", "v1", "exported").AssertExit(0);
        Assert.Equal(released, p.OutputHashes("exported"));
        Assert.Contains("output: 1 to restore", p.Run("status").Out);
        Assert.Contains("output: 1 written", p.Run("build").AssertExit(0).Out);
        Assert.Equal(released, p.OutputHashes());
        Assert.Contains("checked", p.Run("fsck").AssertExit(0).Out);
    }
}
