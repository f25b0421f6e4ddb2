using System.Text;
using DataForge.Engine.Store;
using Xunit;

namespace DataForge.Engine.Tests.Store;

public sealed class PathNamesTests
{
    private static readonly string[] Stored = ["headers/a.json", "series/Ünïcode 1/b.nii.gz", "c.txt"];

    private static PathNames Eager(params string[] paths)
    {
        var names = new PathNames();
        foreach (var path in paths) names.Add(path);
        return names;
    }

    [Fact]
    public void Adding_a_path_the_stored_object_names_changes_nothing_and_parses_no_line()
    {
        var names = PathNames.Parse(Eager(Stored).ToBytes())!;

        foreach (var path in Stored) Assert.Equal(PathNames.HashOf(path), names.Add(path));

        Assert.False(names.Parsed);
        Assert.False(names.Changed);
        Assert.Equal("series/Ünïcode 1/b.nii.gz", names.Find(PathNames.HashOf("series/Ünïcode 1/b.nii.gz")));
        Assert.False(names.Parsed);
    }

    [Fact]
    public void Every_stored_name_is_found_by_its_hash_without_parsing_the_lines()
    {
        var paths = Enumerable.Range(0, 3000).Select(i => $"series/{i % 7}/slice-{i:D5}.dcm").ToArray();
        var names = PathNames.Parse(Eager(paths).ToBytes())!;

        foreach (var path in paths) Assert.Equal(path, names.Find(PathNames.HashOf(path)));
        Assert.Null(names.Find(PathNames.HashOf("series/0/absent.dcm")));
        Assert.Null(names.Find(new string('0', 64)));
        Assert.Null(names.Find(new string('f', 64)));
        Assert.Null(names.Find("not a hash"));
        foreach (var path in paths) Assert.Equal(PathNames.HashOf(path), names.Add(path));

        Assert.False(names.Parsed);
        Assert.False(names.Changed);
    }

    [Fact]
    public void Stored_lines_out_of_hash_order_are_parsed_and_still_found()
    {
        var (a, b) = (PathNames.HashOf("a.txt"), PathNames.HashOf("b.txt"));
        var (first, second) = string.CompareOrdinal(a, b) > 0 ? (("a.txt", a), ("b.txt", b)) : (("b.txt", b), ("a.txt", a));
        var bytes = Encoding.UTF8.GetBytes($"dataforge-path-names 1\n{first.Item2}\t{first.Item1}\n{second.Item2}\t{second.Item1}\n");

        var names = PathNames.Parse(bytes)!;

        Assert.Equal("a.txt", names.Find(a));
        Assert.Equal("b.txt", names.Find(b));
        Assert.True(names.Parsed);
    }

    [Fact]
    public void Adding_a_new_path_parses_the_stored_names_and_saves_them_all()
    {
        var names = PathNames.Parse(Eager(Stored).ToBytes())!;

        names.Add("headers/new.json");

        Assert.True(names.Changed);
        Assert.Equal(Eager([.. Stored, "headers/new.json"]).ToBytes(), names.ToBytes());
    }

    [Fact]
    public void A_path_that_is_only_part_of_a_stored_line_is_new()
    {
        var names = PathNames.Parse(Eager("x/long.txt").ToBytes())!;

        names.Add("long.txt");
        names.Add("x/long");

        Assert.True(names.Changed);
        Assert.Equal(Eager("x/long.txt", "long.txt", "x/long").ToBytes(), names.ToBytes());
    }

    [Fact]
    public void The_saved_format_is_a_header_then_sorted_hash_tab_path_lines()
    {
        var text = Encoding.UTF8.GetString(Eager(Stored).ToBytes());

        var lines = text.Split('\n');
        Assert.Equal("dataforge-path-names 1", lines[0]);
        Assert.Equal("", lines[^1]);
        var entries = lines[1..^1].Select(l => l.Split('\t')).ToList();
        Assert.Equal(entries.Select(e => e[0]).Order(StringComparer.Ordinal), entries.Select(e => e[0]));
        Assert.All(entries, e => Assert.Equal(PathNames.HashOf(e[1]), e[0]));
        Assert.Equal(Stored.Order(StringComparer.Ordinal), entries.Select(e => e[1]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_stored_object_with_a_malformed_line_names_nothing()
    {
        // The malformed line after the named one: a look-up that only read the lines on its way would find a.txt.
        var bytes = Encoding.UTF8.GetBytes($"dataforge-path-names 1\n{PathNames.HashOf("a.txt")}\ta.txt\nnot a line\n");

        var names = PathNames.Parse(bytes)!;

        Assert.Null(names.Find(PathNames.HashOf("a.txt")));
        Assert.Equal(PathNames.HashOf("a.txt"), names.Add("a.txt"));
        Assert.True(names.Changed);
        Assert.Null(PathNames.Parse(Encoding.UTF8.GetBytes("another format\n")));
    }
}
