namespace DataForge.Release.Tests;

/// <summary>Raw exports and the store never enter Git: init ignores them, and release refuses while Git tracks or stages any of them.</summary>
public sealed class PrivateFilesInGitTests
{
    [SkippableFact]
    public void After_init_build_and_release_system_git_sees_neither_the_raw_exports_nor_the_store()
    {
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);

        // git status shows nothing of raw/, .dataforge/ or out/ (before the fix: "?? raw/").
        var status = p.Git("status", "--porcelain", "--untracked-files=all");
        Assert.DoesNotContain("raw/", status);
        Assert.DoesNotContain(".dataforge/", status);
        Assert.DoesNotContain("out/", status);
        // "git add ." adds none of them either.
        p.Git("add", ".");
        var staged = p.Git("diff", "--cached", "--name-only");
        Assert.DoesNotContain("raw/", staged);
        Assert.DoesNotContain(".dataforge/", staged);
    }

    [SkippableFact]
    public void Release_refuses_with_exit_2_while_a_source_file_or_a_store_file_is_staged_or_tracked_and_names_no_path()
    {
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        var source = Path.GetRelativePath(p.Path, p.Sources()[0]).Replace('\\', '/');
        var patientFolder = source.Split('/')[1];

        // Staged (forced past .gitignore).
        p.Git("add", "-f", source);
        var refused = p.Run("release", "v1").AssertExit(2);
        Assert.Contains("1 of source 'raw'", refused.Error);
        AssertNamesNoPath(refused, source, patientFolder);
        Assert.False(Directory.Exists(p.Combine("releases", "v1")));
        Assert.Empty(p.Git("tag", "--list").Trim());

        // Committed by hand, then tracked: still refused, with the JSON error naming no path either.
        p.Git("commit", "-q", "-m", "oops");
        var tracked = p.Run("release", "v1", "--json").AssertExit(2);
        Assert.Contains("1 of source 'raw'", tracked.Out);
        AssertNamesNoPath(tracked, source, patientFolder);

        // A store file staged too: both are counted.
        p.Git("add", "-f", ".dataforge/state.db");
        var both = p.Run("release", "v1").AssertExit(2);
        Assert.Contains("1 of source 'raw', 1 of the private store (.dataforge/)", both.Error);
        AssertNamesNoPath(both, source, patientFolder);

        // Removed from Git (the files stay on disk): the release goes ahead.
        p.Git("rm", "-r", "-q", "--cached", "raw", ".dataforge/state.db");
        p.Git("commit", "-q", "-m", "untrack raw data");
        p.Run("release", "v1").AssertExit(0);
        Assert.True(File.Exists(p.Combine(source)));
    }

    private static void AssertNamesNoPath(CliResult result, string source, string patientFolder)
    {
        foreach (var text in new[] { result.Out, result.Error })
        {
            Assert.DoesNotContain(source, text);
            Assert.DoesNotContain(patientFolder, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Path.GetFileName(source), text);
        }
    }
}
