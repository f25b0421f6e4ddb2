using System.Globalization;
using DataForge.Engine.FileSystem;
using DataForge.Testing;
using Xunit;

namespace DataForge.Engine.Tests.FileSystem;

/// <summary>The disk walk (readdir + statx per folder, folders spread over threads) against GNU find and stat.</summary>
public sealed class PhysicalWalkTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-walk");

    public void Dispose() => _dir.Dispose();

    private void MakeTree()
    {
        for (var p = 0; p < 7; p++)
            for (var s = 0; s < 3; s++)
                for (var i = 0; i < 5; i++)
                    _dir.WriteText($"p{p}/s{s}/i{i}.dcm", new string('x', p * 100 + s * 10 + i));
        _dir.WriteText(".hidden/h.txt", "h");
        _dir.WriteText("naïve é/ünïcode.txt", "u");
        _dir.WriteText("empty.txt", "");
        Directory.CreateDirectory(_dir.Combine("no-files/deeper"));
        File.CreateSymbolicLink(_dir.Combine("link-to-file.txt"), _dir.Combine("p0/s0/i1.dcm"));
        Directory.CreateSymbolicLink(_dir.Combine("link-to-folder"), _dir.Combine("p1"));
        File.CreateSymbolicLink(_dir.Combine("dangling"), _dir.Combine("nowhere"));
    }

    [Fact]
    public void The_walk_finds_what_find_finds_regular_files_and_links_to_them_without_entering_linked_folders()
    {
        MakeTree();
        // -xtype f: regular files, and links whose target is one; find does not descend into linked folders.
        var find = Oracle.Run(Oracle.Require("find"), [_dir.Path, "-xtype", "f", "-printf", "%P\n"]);
        var expected = find.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();

        var walked = new PhysicalFileSystem().Walk(_dir.Path).Select(e => e.RelativePath).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(7 * 3 * 5 + 4, expected.Count);
        Assert.Equal(expected, walked);
    }

    [Fact]
    public void Each_file_comes_with_the_size_inode_and_nanosecond_mtime_that_stat_reports()
    {
        MakeTree();
        foreach (var entry in new PhysicalFileSystem().Walk(_dir.Path))
        {
            // -L: a link is reported as its target, as the walk does.
            var stat = Oracle.Run(Oracle.Require("stat"), ["-L", "-c", "%s %i %.9Y", _dir.Combine(entry.RelativePath)]).StandardOutput.Trim().Split(' ');
            Assert.Equal(long.Parse(stat[0], CultureInfo.InvariantCulture), entry.Stat.Size);
            Assert.Equal(ulong.Parse(stat[1], CultureInfo.InvariantCulture), unchecked((ulong)entry.Stat.Inode));
            Assert.Equal(long.Parse(stat[2].Replace(".", "", StringComparison.Ordinal), CultureInfo.InvariantCulture), entry.Stat.MtimeNs);
        }
    }

    [Fact]
    public void A_linked_output_shares_its_sources_inode_and_both_count_the_links_stat_counts()
    {
        _dir.WriteText("objects/ab", "content");
        Directory.CreateDirectory(_dir.Combine("tmp"));
        Directory.CreateDirectory(_dir.Combine("out"));
        var fs = new PhysicalFileSystem();
        Assert.Equal(MaterialisedAs.Hardlink, fs.CloneFile(_dir.Combine("objects/ab"), _dir.Combine("out/a.txt"), OutputLinkMode.Hardlink, null));
        Assert.Equal(MaterialisedAs.Hardlink, fs.CloneFile(_dir.Combine("objects/ab"), _dir.Combine("out/b.txt"), OutputLinkMode.Hardlink, null));
        File.Delete(_dir.Combine("out/b.txt"));

        foreach (var path in new[] { "objects/ab", "out/a.txt" })
        {
            var stat = Oracle.Run(Oracle.Require("stat"), ["-c", "%h %i", _dir.Combine(path)]).StandardOutput.Trim().Split(' ');
            var mine = fs.StatWithLinks(_dir.Combine(path), out var links);
            Assert.Equal(int.Parse(stat[0], CultureInfo.InvariantCulture), links);
            Assert.Equal(ulong.Parse(stat[1], CultureInfo.InvariantCulture), unchecked((ulong)mine!.Value.Inode));
        }
        Assert.Equal(7, fs.StatWithLinks(_dir.Combine("out/a.txt"), out var count)!.Value.Size);
        Assert.Equal(2, count); // the object and a.txt: b.txt's link is gone
        Assert.Null(fs.StatWithLinks(_dir.Combine("out/b.txt"), out _));
    }

    [Fact]
    public void A_missing_root_gives_no_files()
    {
        Assert.Empty(new PhysicalFileSystem().Walk(_dir.Combine("missing")));
    }
}
