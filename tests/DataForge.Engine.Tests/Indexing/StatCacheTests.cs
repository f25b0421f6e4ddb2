using System.Text;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Indexing;
using Xunit;

namespace DataForge.Engine.Tests.Indexing;

public sealed class StatCacheTests
{
    private static StatCache Of(IEnumerable<string> paths)
    {
        var cache = new StatCache();
        var n = 0;
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            cache.Add(Encoding.UTF8.GetBytes(path), new FileStat(n, n * 10, n * 100), ContentHash.Of(Encoding.UTF8.GetBytes(path)));
            n++;
        }
        cache.Seal();
        return cache;
    }

    [Fact]
    public void Every_row_is_found_by_its_path_with_its_stat_and_hash_and_no_other_path_is()
    {
        var paths = Enumerable.Range(0, 5000).Select(i => $"p{i % 37}/s{i % 11}/IM{i:D5}.dcm").Distinct().ToList();
        var cache = Of(paths);

        Assert.Equal(paths.Count, cache.Count);
        foreach (var path in paths)
        {
            var row = cache.Find(path);
            Assert.True(row >= 0, path);
            Assert.Equal(path, cache.Path(row));
            Assert.Equal(ContentHash.Of(Encoding.UTF8.GetBytes(path)), cache.Hash(row));
            Assert.Equal(cache.Stat(row).Size * 10, cache.Stat(row).MtimeNs);
        }
        // A prefix, an extension more, another case, an empty path: none is a row.
        Assert.Equal(-1, cache.Find("p1/s1/IM00001.dc"));
        Assert.Equal(-1, cache.Find("p1/s1/IM00001.dcm.bak"));
        Assert.Equal(-1, cache.Find("P1/s1/IM00001.dcm"));
        Assert.Equal(-1, cache.Find(""));
    }

    [Fact]
    public void Paths_beyond_ascii_and_longer_than_the_stack_buffer_are_found()
    {
        var longPath = string.Join('/', Enumerable.Repeat("a-very-long-folder-name-ø", 60)) + "/x.dcm";
        var paths = new[] { "Ærø/Ünïcødé/日本語.dcm", "emoji/😀.dcm", longPath, "plain.dcm" };
        var cache = Of(paths);

        foreach (var path in paths) Assert.Equal(path, cache.Path(cache.Find(path)));
        Assert.Equal(-1, cache.Find(longPath + "x"));
        Assert.Equal(-1, cache.Find("emoji/😁.dcm"));
    }

    [Fact]
    public void An_empty_cache_finds_nothing()
    {
        var cache = Of([]);
        Assert.Equal(0, cache.Count);
        Assert.Equal(-1, cache.Find("a.dcm"));
    }
}
