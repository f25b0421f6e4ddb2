using System.Text.Json;
using System.Text.Json.Serialization;
using DataForge.Engine.Building;
using DataForge.Engine.Hashing;
using DataForge.Engine.Planning;
using DataForge.Engine.Sources;

namespace DataForge.Engine.Cluster;

/// <summary>
/// The work of one stage wave shipped to cluster workers: <c>.dataforge/work/BUILD/STAGE/actions.json</c> in the private
/// zone (folders 0700, files 0600), written once by the coordinator before it submits the array job.
/// <code>
/// { "format": 1, "stage": ID, "fingerprint": the stage definition's memo fingerprint (id, version, config),
///   "manifest": the manifest's path relative to the project, "tasks": N, "stat_trusted_before": NS|null,
///   "actions": [ { "key": HEX, "group": HEX|null,
///                  "inputs": [ { "path", "hash", "size", "metadata", "source": ID|null, "file": PATH|null,
///                                "stat": [SIZE, MTIME_NS, INODE]|null } ] } ] }
/// </code>
/// Task <c>t</c> of <c>N</c> runs the actions <c>[t·A/N, (t+1)·A/N)</c>. An input read from a source file names its
/// source and the path under the source's root (a worker resolves the root from its own pipeline), with the stat the
/// index saw: a worker that finds the same stat, older than the build's file-system clock, reads it without hashing it
/// again, as a local build does (see <see cref="ActionRunner.StatTrustedBefore"/>); any other input is read from the
/// store by hash. Paths may name patients: they stay in this file, never in a job's name or arguments.
/// </summary>
internal sealed record WorkList
{
    public const int CurrentFormat = 1;

    public const string FileName = "actions.json";

    public int Format { get; init; } = CurrentFormat;

    public required string Stage { get; init; }

    public required string Fingerprint { get; init; }

    public required string Manifest { get; init; }

    public required int Tasks { get; init; }

    public required List<WorkAction> Actions { get; init; }

    /// <summary>The coordinator's file-system clock before its index (see <see cref="ActionRunner.StatTrustedBefore"/>).</summary>
    public long? StatTrustedBefore { get; init; }

    /// <summary>The actions task <paramref name="task"/> runs, as indexes into <see cref="Actions"/>.</summary>
    public Range Shard(int task) => Shard(task, Tasks, Actions.Count);

    public static Range Shard(int task, int tasks, int actions) =>
        new((int)((long)task * actions / tasks), (int)((long)(task + 1) * actions / tasks));

    /// <summary>The work of <paramref name="actions"/>, with each source-file input named by its source and relative path.</summary>
    public static WorkList Of(string stage, string fingerprint, string manifest, int tasks, IReadOnlyList<PlannedAction> actions, IReadOnlyList<SourceSpec> sources) => new()
    {
        Stage = stage,
        Fingerprint = fingerprint,
        Manifest = manifest,
        Tasks = tasks,
        Actions = actions.Select(a => new WorkAction
        {
            Key = a.Key.Hex,
            Group = a.GroupKeyHash,
            Inputs = a.Inputs.Select(i => WorkInput.Of(i, sources)).ToList(),
        }).ToList(),
    };

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Write(string folder) => PrivateFile.Write(Path.Combine(folder, FileName), JsonSerializer.SerializeToUtf8Bytes(this, Json));

    /// <summary>Reads a work list; throws <see cref="WorkException"/> when it is missing, damaged or of another format.</summary>
    public static WorkList Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        WorkList? list;
        try
        {
            list = JsonSerializer.Deserialize<WorkList>(File.ReadAllBytes(path), Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new WorkException($"cannot read the work list in {folder} ({e.GetType().Name}); was it removed by a later build?");
        }
        if (list is null || list.Format != CurrentFormat)
            throw new WorkException($"the work list in {folder} is of another format (this worker reads format {CurrentFormat}); run the same DataForge version as the coordinator");
        return list;
    }
}

/// <summary>One action of a <see cref="WorkList"/>.</summary>
internal sealed record WorkAction
{
    public required string Key { get; init; }

    public string? Group { get; init; }

    public required List<WorkInput> Inputs { get; init; }

    /// <summary>The planned action a worker runs: inputs as items read from the store or a source file under its root.</summary>
    public PlannedAction ToPlanned(IReadOnlyList<SourceSpec> sources) => new()
    {
        Slot = "",
        Label = "",
        Inputs = Inputs.Select(i => i.ToItem(sources)).ToList(),
        GroupKeyHash = Group,
        Key = ContentHash.Parse(Key),
    };
}

/// <summary>One input of a <see cref="WorkAction"/>.</summary>
internal sealed record WorkInput
{
    public required string Path { get; init; }

    public required string Hash { get; init; }

    public required long Size { get; init; }

    public required string Metadata { get; init; }

    public string? Source { get; init; }

    public string? File { get; init; }

    /// <summary>A source file's size, mtime (ns) and inode as the coordinator's index saw them.</summary>
    public long[]? Stat { get; init; }

    public static WorkInput Of(Item item, IReadOnlyList<SourceSpec> sources)
    {
        string? source = null, file = null;
        if (item.SourceFile is { } full)
        {
            var owner = sources.FirstOrDefault(s => full.StartsWith(s.Root + "/", StringComparison.Ordinal))
                        ?? throw new InvalidOperationException("a source file outside every source root");
            (source, file) = (owner.Id, full[(owner.Root.Length + 1)..]);
        }
        long[]? stat = item.SourceStat is { } s ? [s.Size, s.MtimeNs, s.Inode] : null;
        return new WorkInput { Path = item.Path, Hash = item.Hash.Hex, Size = item.Size, Metadata = item.Metadata.Hex, Source = source, File = file, Stat = stat };
    }

    public Item ToItem(IReadOnlyList<SourceSpec> sources)
    {
        string? full = null;
        if (Source is not null)
        {
            var root = sources.FirstOrDefault(s => s.Id == Source)?.Root
                       ?? throw new WorkException($"the work list reads source '{Source}', which the manifest no longer has");
            full = $"{root}/{File}";
        }
        return new Item("", "", Path, ContentHash.Parse(Hash), Size, ContentHash.Parse(Metadata), null, full)
        {
            SourceStat = Stat is [var size, var mtime, var inode] ? new FileSystem.FileStat(size, mtime, inode) : null,
        };
    }
}
