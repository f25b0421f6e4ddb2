using Xunit;
using DataForge.Engine.Cluster;
using DataForge.Engine.Hashing;
using DataForge.Engine.Indexing;
using DataForge.Engine.Planning;
using DataForge.Engine.Sources;
using DataForge.Testing;

namespace DataForge.Engine.Tests.Cluster;

/// <summary>The work lists and result files a Slurm build ships to its workers, and how actions are shared out among tasks.</summary>
public sealed class WorkListTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-worklist");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(1000, 7)]
    [InlineData(5, 5)]
    public void Every_action_belongs_to_exactly_one_task_and_no_task_is_empty(int actions, int tasks)
    {
        var seen = new List<int>();
        for (var t = 0; t < tasks; t++)
        {
            var (start, length) = WorkList.Shard(t, tasks, actions).GetOffsetAndLength(actions);
            Assert.True(length > 0, $"task {t} has no action");
            seen.AddRange(Enumerable.Range(start, length));
        }
        Assert.Equal(Enumerable.Range(0, actions), seen);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 }, "0-3")]
    [InlineData(new[] { 9, 0, 10, 7, 1 }, "0-1,7,9-10")]
    [InlineData(new[] { 4 }, "4")]
    public void Task_ids_are_submitted_as_sbatch_array_ranges(int[] tasks, string expected) =>
        Assert.Equal(expected, SlurmCommands.Ranges(tasks));

    [Fact]
    public void A_source_file_input_travels_as_its_source_and_relative_path_and_comes_back_under_the_workers_root()
    {
        var root = _dir.Combine("raw");
        var sources = new[] { new SourceSpec("raw", root) };
        var file = new SourceFile("raw", "DOE_JOHN/IM1", root + "/", new DataForge.Engine.FileSystem.FileStat(3, 1, 1), ContentHash.Of([1, 2, 3]));
        var action = new PlannedAction { Inputs = [Item.OfSource(file)], Key = ContentHash.Of([9]) };
        var folder = _dir.Combine("work");
        Directory.CreateDirectory(folder);

        WorkList.Of("deidentify", "fp", "dataforge.yaml", 1, [action], sources).Write(folder);
        var read = WorkList.Read(folder);

        var input = Assert.Single(Assert.Single(read.Actions).Inputs);
        Assert.Equal(("raw", "DOE_JOHN/IM1"), (input.Source, input.File));
        // On a node whose mount point differs, the worker's own root is used.
        var item = input.ToItem([new SourceSpec("raw", "/mnt/cluster/raw")]);
        Assert.Equal("/mnt/cluster/raw/DOE_JOHN/IM1", item.SourceFile);
        Assert.Equal(file.Hash, item.Hash);
        // With the stat the index saw, so the worker trusts an unchanged file as a local build does.
        Assert.Equal(file.Stat, item.SourceStat);
        Assert.Equal(action.Key, read.Actions[0].ToPlanned(sources).Key);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, WorkList.FileName)));
    }

    [Fact]
    public void A_result_file_of_another_task_or_a_damaged_one_is_not_read()
    {
        var folder = _dir.Path;
        new WorkResult { Task = 2, Actions = [new ActionResult { Key = ContentHash.Of([1]).Hex, Failure = "bad" }] }.Write(folder);
        File.Move(Path.Combine(folder, WorkResult.FileName(2)), Path.Combine(folder, WorkResult.FileName(3)));
        File.WriteAllText(Path.Combine(folder, WorkResult.FileName(4)), "{\"format\": 1, \"task\": 4, \"act");

        Assert.Null(WorkResult.TryRead(folder, 3));
        Assert.Null(WorkResult.TryRead(folder, 4));
        Assert.Null(WorkResult.TryRead(folder, 5));
    }
}
