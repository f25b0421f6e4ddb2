using System.Text;
using System.Text.Json;
using DataForge.Engine.Building;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Sources;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;
using Xunit;

namespace DataForge.Engine.Tests.Fakes;

/// <summary>
/// A small project in memory: source files under /p/raw ("series=S" on the first line, then a
/// body) and a four-stage pipeline:
/// header (map: content unchanged, metadata {"series": S}) -> upper (map, published: upper-case +
/// config suffix) -> volume (group by series, published: concatenation) and stats (reduce over
/// upper, published: item count). Each build makes fresh stage objects, so run counts are per build.
/// </summary>
public sealed class TestProject : IDisposable
{
    public const string Raw = "/p/raw";
    public const string Out = "/p/out";

    private readonly InMemoryStateDatabase _database = StateDatabaseLocation.InMemory();

    public InMemoryFileSystem Fs { get; } = new();

    public StoreLayout Layout { get; private set; } = new("/p", Out);

    public BuildEngine Engine { get; private set; }

    public string UpperSuffix { get; set; } = "!";

    public int UpperVersion { get; set; } = 1;

    public int HeaderVersion { get; set; } = 1;

    /// <summary>Content that makes the upper stage fail its item.</summary>
    public string FailOn { get; set; } = "\u0000never";

    /// <summary>Runs per stage id in the last build or status.</summary>
    public Dictionary<string, int> Runs { get; } = new(StringComparer.Ordinal);

    private List<DelegateStage> _stages = [];

    public TestProject() : this(OutputLinkMode.Auto) { }

    /// <summary>A project whose output files are made as <paramref name="link"/> says (the fake file system cannot clone: auto and reflink copy).</summary>
    public TestProject(OutputLinkMode link) => Engine = new BuildEngine(Layout, Fs, _database) { OutputLink = link };

    /// <summary>Points the project at another output folder (<c>output.path</c> changed), same store and state.</summary>
    public void UseOutputFolder(string root, OutputLinkMode? link = null)
    {
        Layout = new StoreLayout("/p", root);
        Engine = new BuildEngine(Layout, Fs, _database) { OutputLink = link ?? Engine.OutputLink };
    }

    public InMemoryStateDatabase Database => _database;

    /// <summary>Writes a source file "series=S\nbody".</summary>
    public void WriteSource(string relative, string series, string body) => Fs.Write($"{Raw}/{relative}", $"series={series}\n{body}");

    /// <summary>Writes n files raw/sNN/iNNN.txt spread over a few series.</summary>
    public void WriteMany(int n, int seriesCount = 3)
    {
        for (var i = 0; i < n; i++) WriteSource($"s{i % seriesCount}/i{i:D3}.txt", $"S{i % seriesCount}", $"body {i}");
    }

    public Pipeline Pipeline()
    {
        var header = new DelegateStage(new StageDefinition("header", HeaderVersion, StageShape.Map, ["raw"]), input =>
        {
            var bytes = input.Item.ReadAllBytes();
            var text = Encoding.UTF8.GetString(bytes);
            if (!text.StartsWith("series=", StringComparison.Ordinal)) return StageResult.Failed("no series line");
            var series = text[7..text.IndexOf('\n')];
            var metadata = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["series"] = series });
            return StageResult.Success(new StageOutput($"{input.Item.Hash.Short}.hdr", bytes, metadata));
        });
        var suffix = UpperSuffix;
        var failOn = FailOn;
        var upper = new DelegateStage(new StageDefinition("upper", UpperVersion, StageShape.Map, ["header"],
            CanonicalJson.FromObject(new { suffix })) { Publish = true }, input =>
        {
            var text = Encoding.UTF8.GetString(input.Item.ReadAllBytes());
            if (text.Contains(failOn, StringComparison.Ordinal)) return StageResult.Failed("content rejected by test rule");
            var cfg = input.Config.GetProperty("suffix").GetString();
            return StageResult.Success(new StageOutput($"upper/{input.Item.Hash.Short}.txt", Encoding.UTF8.GetBytes(text.ToUpperInvariant() + cfg), input.Item.Metadata));
        });
        var volume = new DelegateStage(new StageDefinition("volume", 1, StageShape.Group, ["header"]) { GroupBy = "series", Publish = true }, input =>
        {
            var joined = string.Join("|", input.Items.Select(i => Encoding.UTF8.GetString(i.ReadAllBytes())));
            return StageResult.Success(new StageOutput($"volumes/{input.GroupKey!.Trim('"')}.txt", Encoding.UTF8.GetBytes(joined)));
        });
        var stats = new DelegateStage(new StageDefinition("stats", 1, StageShape.Reduce, ["upper"]) { Publish = true }, input =>
            StageResult.Success(new StageOutput("stats.txt", Encoding.UTF8.GetBytes($"items={input.Items.Count} bytes={input.Items.Sum(i => i.Size)}"))));
        _stages = [header, upper, volume, stats];
        return new Pipeline([new SourceSpec("raw", Raw, ["**/*.txt"])], _stages);
    }

    public BuildResult Build(int jobs = 2)
    {
        var result = Engine.Build(Pipeline(), new BuildOptions { Jobs = jobs });
        CollectRuns();
        return result;
    }

    public StatusReport Status()
    {
        var report = Engine.Status(Pipeline(), new BuildOptions { Jobs = 2 });
        CollectRuns();
        return report;
    }

    /// <summary>The engine's report for one stage.</summary>
    public static StageReport StageOf(BuildResult result, string id) => result.Stages.Single(s => s.StageId == id);

    /// <summary>Every output file and its text, sorted by path.</summary>
    public IReadOnlyList<(string Path, string Text)> Outputs() =>
        Fs.FilesUnder(Layout.OutputRoot).Select(p => (p, Fs.ReadText($"{Layout.OutputRoot}/{p}"))).ToList();

    private void CollectRuns()
    {
        Runs.Clear();
        foreach (var stage in _stages) Runs[stage.Definition.Id] = stage.Runs;
    }

    /// <summary>
    /// Store paths of the output path names' objects: the index state.db's meta names, and its shards (read from the
    /// store's files; nothing counted as a read).
    /// </summary>
    public HashSet<string> PathNameObjects()
    {
        var objects = new DataForge.Engine.Store.ObjectStore(Fs, Layout.Objects);
        using var db = DataForge.Engine.Store.StateDatabase.Open(Database, out _);
        var index = DataForge.Engine.Hashing.ContentHash.Parse(db.GetMeta("names")!);
        var paths = new HashSet<string>(StringComparer.Ordinal) { objects.PathOf(index) };
        foreach (var line in Fs.ReadText(objects.PathOf(index)).Split('\n').Skip(1).Where(l => l.Length > 0))
            paths.Add(objects.PathOf(DataForge.Engine.Hashing.ContentHash.Parse(line[3..])));
        return paths;
    }

    /// <summary>No source content was read; from the store, only objects of the output path names, each once.</summary>
    public void AssertOnlyTheOutputPathNamesWereRead()
    {
        var names = PathNameObjects();
        Assert.Equal(0, Fs.ReadsUnder(Raw));
        Assert.All(Fs.Reads, read => Assert.Contains(read.Key, names));
        Assert.All(Fs.Reads, read => Assert.Equal(1, read.Value));
    }

    public void Dispose() => _database.Dispose();
}
