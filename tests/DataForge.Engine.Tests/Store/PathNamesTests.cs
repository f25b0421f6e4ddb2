using System.Text;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;
using Xunit;

namespace DataForge.Engine.Tests.Store;

public sealed class PathNamesTests
{
    private static readonly string[] Stored = ["headers/a.json", "series/Ünïcode 1/b.nii.gz", "c.txt"];

    /// <summary>A store of objects by hash, counting reads.</summary>
    private sealed class Objects
    {
        public Dictionary<ContentHash, byte[]> All { get; } = [];

        public int Reads { get; private set; }

        public ContentHash Put(byte[] bytes)
        {
            var hash = ContentHash.Of(bytes);
            All[hash] = bytes;
            return hash;
        }

        public byte[]? Read(ContentHash hash)
        {
            Reads++;
            return All.GetValueOrDefault(hash);
        }

        public PathNames Load(ContentHash root) => PathNames.Load(All[root], Read)!;
    }

    private static (Objects Store, ContentHash Root) Saved(params string[] paths)
    {
        var names = new PathNames();
        foreach (var path in paths) names.Add(path);
        var store = new Objects();
        return (store, names.Save(store.Put));
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    [Fact]
    public void Adding_or_finding_a_stored_path_reads_its_shard_alone_and_parses_nothing()
    {
        var (store, root) = Saved(Stored);
        var names = store.Load(root);

        foreach (var path in Stored) Assert.Equal(PathNames.HashOf(path), names.Add(path));
        Assert.Equal("series/Ünïcode 1/b.nii.gz", names.Find(PathNames.HashOf("series/Ünïcode 1/b.nii.gz")));

        Assert.Equal(0, names.ShardsParsed);
        Assert.False(names.Changed);
        Assert.Equal(Stored.Select(p => PathNames.HashOf(p)[..2]).Distinct().Count(), store.Reads);
    }

    [Fact]
    public void Every_stored_name_is_found_by_its_hash_reading_one_shard_per_lookup()
    {
        var paths = Enumerable.Range(0, 3000).Select(i => $"series/{i % 7}/slice-{i:D5}.dcm").ToArray();
        var (store, root) = Saved(paths);
        var names = store.Load(root);

        foreach (var path in paths) Assert.Equal(path, names.Find(PathNames.HashOf(path)));
        Assert.Null(names.Find(PathNames.HashOf("series/0/absent.dcm")));
        Assert.Null(names.Find(new string('0', 64)));
        Assert.Null(names.Find(new string('f', 64)));
        Assert.Null(names.Find("not a hash"));
        foreach (var path in paths) Assert.Equal(PathNames.HashOf(path), names.Add(path));

        Assert.Equal(0, names.ShardsParsed);
        Assert.False(names.Changed);
        Assert.Equal(256, store.Reads); // each shard once, however many look-ups
    }

    [Fact]
    public void Adding_a_new_path_changes_its_shard_alone_and_the_saved_names_are_all_there()
    {
        var (store, root) = Saved(Stored);
        var names = store.Load(root);
        var before = names.StoredShards.ToHashSet();

        names.Add("headers/new.json");
        Assert.True(names.Changed);
        Assert.Equal(1, names.ShardsParsed);
        var saved = names.Save(store.Put);

        // One shard object is new; the others are the same objects.
        Assert.Single(names.StoredShards.Except(before));
        var again = store.Load(saved);
        foreach (var path in Stored.Append("headers/new.json")) Assert.Equal(path, again.Find(PathNames.HashOf(path)));
        Assert.False(names.Changed);
    }

    [Fact]
    public void A_path_that_is_only_part_of_a_stored_line_is_new()
    {
        var (store, root) = Saved("x/long.txt");
        var names = store.Load(root);

        names.Add("long.txt");
        names.Add("x/long");

        Assert.True(names.Changed);
        var again = store.Load(names.Save(store.Put));
        foreach (var path in new[] { "x/long.txt", "long.txt", "x/long" }) Assert.Equal(path, again.Find(PathNames.HashOf(path)));
    }

    [Fact]
    public void The_saved_formats_are_an_index_of_shards_and_shards_of_sorted_hash_tab_path_lines()
    {
        var paths = Enumerable.Range(0, 500).Select(i => $"p/{i}.json").Concat(Stored).ToArray();
        var (store, root) = Saved(paths);

        var index = Text(store.All[root]).Split('\n');
        Assert.Equal("dataforge-path-names 2", index[0]);
        Assert.Equal("", index[^1]);
        var shards = index[1..^1].Select(l => l.Split('\t')).ToList();
        Assert.Equal(shards.Select(s => s[0]).Order(StringComparer.Ordinal), shards.Select(s => s[0]));
        var entries = new List<string[]>();
        foreach (var shard in shards)
        {
            var lines = Text(store.All[ContentHash.Parse(shard[1])]).Split('\n');
            Assert.Equal("dataforge-path-names 1", lines[0]);
            Assert.Equal("", lines[^1]);
            var own = lines[1..^1].Select(l => l.Split('\t')).ToList();
            Assert.All(own, e => Assert.StartsWith(shard[0], e[0], StringComparison.Ordinal));
            Assert.Equal(own.Select(e => e[0]).Order(StringComparer.Ordinal), own.Select(e => e[0]));
            entries.AddRange(own);
        }
        Assert.All(entries, e => Assert.Equal(PathNames.HashOf(e[1]), e[0]));
        Assert.Equal(paths.Order(StringComparer.Ordinal), entries.Select(e => e[1]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_shard_with_a_malformed_line_names_nothing_and_is_dropped_at_the_next_save()
    {
        var store = new Objects();
        // The malformed line after the named one: a look-up that only read the lines on its way would find a.txt.
        var hash = PathNames.HashOf("a.txt");
        var shard = store.Put(Encoding.UTF8.GetBytes($"dataforge-path-names 1\n{hash}\ta.txt\nnot a line\n"));
        var root = store.Put(Encoding.UTF8.GetBytes($"dataforge-path-names 2\n{hash[..2]}\t{shard.Hex}\n"));

        var names = store.Load(root);

        Assert.Null(names.Find(hash));
        names.KeepOnly(new HashSet<string>());
        Assert.True(names.Changed);
        Assert.Empty(store.Load(names.Save(store.Put)).StoredShards);
    }

    [Fact]
    public void Shard_lines_out_of_hash_order_are_not_trusted()
    {
        var store = new Objects();
        // Two names of one shard, in descending order.
        var paths = Enumerable.Range(0, 5000).Select(i => $"{i}.txt").GroupBy(p => PathNames.HashOf(p)[..2]).First(g => g.Count() >= 2).Take(2)
            .OrderByDescending(p => PathNames.HashOf(p), StringComparer.Ordinal).ToArray();
        var shard = store.Put(Encoding.UTF8.GetBytes($"dataforge-path-names 1\n{string.Concat(paths.Select(p => $"{PathNames.HashOf(p)}\t{p}\n"))}"));
        var root = store.Put(Encoding.UTF8.GetBytes($"dataforge-path-names 2\n{PathNames.HashOf(paths[0])[..2]}\t{shard.Hex}\n"));

        var names = store.Load(root);

        Assert.All(paths, p => Assert.Null(names.Find(PathNames.HashOf(p))));
    }

    [Fact]
    public void A_missing_shard_names_nothing_and_an_unknown_root_format_is_not_loaded()
    {
        var (store, root) = Saved(Stored);
        foreach (var shard in store.Load(root).StoredShards) store.All.Remove(shard);

        var names = store.Load(root);

        Assert.All(Stored, p => Assert.Null(names.Find(PathNames.HashOf(p))));
        Assert.Null(PathNames.Load(Encoding.UTF8.GetBytes("another format\n"), store.Read));
        Assert.Null(PathNames.Load(Encoding.UTF8.GetBytes("dataforge-path-names 2\nzz\tnot a hash\n"), store.Read));
    }

    [Fact]
    public void A_single_object_of_the_first_format_is_read_whole_and_saved_as_shards()
    {
        var store = new Objects();
        var lines = Stored.Select(p => (Hash: PathNames.HashOf(p), Path: p)).OrderBy(e => e.Hash, StringComparer.Ordinal);
        var root = store.Put(Encoding.UTF8.GetBytes($"dataforge-path-names 1\n{string.Concat(lines.Select(e => $"{e.Hash}\t{e.Path}\n"))}"));

        var names = store.Load(root);

        Assert.All(Stored, p => Assert.Equal(p, names.Find(PathNames.HashOf(p))));
        Assert.True(names.Changed);
        var saved = store.Load(names.Save(store.Put));
        Assert.Equal(Stored.Select(p => PathNames.HashOf(p)[..2]).Distinct().Count(), saved.StoredShards.Count);
        Assert.All(Stored, p => Assert.Equal(p, saved.Find(PathNames.HashOf(p))));
    }

    [Fact]
    public void Keeping_only_some_hashes_drops_the_others_and_empty_shards()
    {
        var (store, root) = Saved(Stored);
        var names = store.Load(root);

        names.KeepOnly(new HashSet<string> { PathNames.HashOf("c.txt") });
        var saved = store.Load(names.Save(store.Put));

        Assert.Equal("c.txt", saved.Find(PathNames.HashOf("c.txt")));
        Assert.Null(saved.Find(PathNames.HashOf("headers/a.json")));
        Assert.Single(saved.StoredShards);
    }

    [Fact]
    public void A_first_format_object_with_a_line_that_is_not_a_hash_names_nothing()
    {
        var store = new Objects();
        var root = store.Put(Encoding.UTF8.GetBytes($"dataforge-path-names 1\n{PathNames.HashOf("a.txt")}\ta.txt\n{new string('z', 64)}\tb.txt\n"));

        var names = store.Load(root);

        Assert.Null(names.Find(PathNames.HashOf("a.txt")));
        Assert.Empty(store.Load(names.Save(store.Put)).StoredShards);
    }
}
