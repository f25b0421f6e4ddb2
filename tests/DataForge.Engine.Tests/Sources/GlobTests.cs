using DataForge.Engine.Sources;
using Xunit;

namespace DataForge.Engine.Tests.Sources;

public sealed class GlobTests
{
    [Theory]
    [InlineData("*.dcm", "a.dcm", true)]
    [InlineData("*.dcm", "dir/a.dcm", false)]
    [InlineData("**/*.dcm", "a.dcm", true)]
    [InlineData("**/*.dcm", "x/y/z/a.dcm", true)]
    [InlineData("**/*.dcm", "x/y/z/a.dcmx", false)]
    [InlineData("ct/**", "ct/a/b", true)]
    [InlineData("ct/**", "mr/a", false)]
    [InlineData("ct/**/i?.dcm", "ct/s1/i1.dcm", true)]
    [InlineData("ct/**/i?.dcm", "ct/i1.dcm", true)]
    [InlineData("ct/**/i?.dcm", "ct/s1/i10.dcm", false)]
    [InlineData("a?c", "a/c", false)]
    [InlineData("a.b", "axb", false)]
    [InlineData("(x)[1]+.txt", "(x)[1]+.txt", true)]
    public void A_glob_matches_whole_relative_paths(string pattern, string path, bool matches)
    {
        var glob = new Glob(pattern);
        Assert.Equal(matches, glob.IsMatch(path));
        // The same answer from the compiled expression it switches to after many matches.
        for (var i = 0; i < Glob.CompileAfter; i++) glob.IsMatch("warm/up.txt");
        Assert.True(glob.IsCompiled);
        Assert.Equal(matches, glob.IsMatch(path));
    }

    [Fact]
    public void A_glob_is_compiled_only_after_many_matches_from_any_thread()
    {
        var glob = new Glob("**/*.dcm");
        Assert.False(glob.IsCompiled);
        Parallel.For(0, Glob.CompileAfter - 1, i => Assert.True(glob.IsMatch($"p{i}/s/i{i}.dcm")));
        Assert.False(glob.IsCompiled);
        Parallel.For(0, 100, i => Assert.False(glob.IsMatch($"p{i}/s/i{i}.txt")));
        Assert.True(glob.IsCompiled);
    }

    [Fact]
    public void A_source_takes_included_files_minus_excluded_ones_and_never_the_state_folder()
    {
        var source = new SourceSpec("raw", "/data", ["**/*.dcm", "**/*.json"], ["**/scouts/**", "*.json"]);

        Assert.True(source.Contains("p1/s1/i1.dcm"));
        Assert.True(source.Contains("p1/meta.json"));
        Assert.False(source.Contains("top.json"));
        Assert.False(source.Contains("p1/scouts/i1.dcm"));
        Assert.False(source.Contains("p1/notes.txt"));
        Assert.False(source.Contains(".dataforge/objects/ab/cd.dcm"));
    }

    [Fact]
    public void A_source_without_include_patterns_takes_every_file()
    {
        var source = new SourceSpec("raw", "/data");

        Assert.True(source.Contains("anything/at/all"));
        Assert.False(source.Contains(".git/config"));
    }
}
