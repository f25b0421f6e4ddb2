using System.Text;
using DataForge.Engine.Building;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

/// <summary>Outputs never write through to the store: edited outputs are noticed, objects re-hashed, damaged ones moved aside and rebuilt.</summary>
public sealed class OutputIntegrityTests
{
    private static ContentHash ObjectOf(TestProject project, string outputPath)
    {
        using var db = StateDatabase.Open(project.Database, out _);
        db.LoadNames(new ObjectStore(project.Fs, project.Layout.Objects));
        return db.LoadMaterialised()[outputPath].Object;
    }

    private static string StorePath(TestProject project, ContentHash hash) => new ObjectStore(project.Fs, project.Layout.Objects).PathOf(hash);

    [Fact]
    public void Store_objects_are_written_read_only()
    {
        using var project = new TestProject();
        project.WriteMany(3);
        project.Build();

        var objects = project.Fs.FilesUnder(project.Layout.Objects);
        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.True(project.Fs.IsReadOnly($"{project.Layout.Objects}/{o}"), o));
    }

    [Fact]
    public void A_copied_output_written_to_leaves_its_object_intact_and_the_next_build_restores_it()
    {
        using var project = new TestProject(OutputLinkMode.Copy);
        project.WriteMany(3);
        project.Build();
        var before = project.Outputs();
        var stats = $"{TestProject.Out}/stats.txt";
        var obj = ObjectOf(project, "stats.txt");

        project.Fs.WriteThrough(stats, "{}"u8.ToArray());
        Assert.Equal(obj, ContentHash.Of(Encoding.UTF8.GetBytes(project.Fs.ReadText(StorePath(project, obj)))));
        var status = project.Status();
        var result = project.Build();

        Assert.Equal(1, status.OutputsToRestore);
        Assert.Equal(1, result.Output.Written);
        Assert.Equal(0, result.Output.Damaged);
        Assert.Equal(0, result.ExecutedCount);
        Assert.Equal(before, project.Outputs());
    }

    [Fact]
    public void A_hard_linked_output_written_through_is_noticed_its_object_moved_aside_and_rebuilt_and_the_right_bytes_restored()
    {
        using var project = new TestProject(OutputLinkMode.Hardlink);
        project.WriteMany(3);
        project.Build();
        var before = project.Outputs();
        var stats = $"{TestProject.Out}/stats.txt";
        var obj = ObjectOf(project, "stats.txt");

        // Root ignores 0444: the write lands in the object the output shares.
        project.Fs.WriteThrough(stats, "{}"u8.ToArray());
        Assert.Equal("{}", project.Fs.ReadText(StorePath(project, obj)));
        var result = project.Build();

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.Output.Damaged);
        Assert.Equal(1, project.Runs["stats"]); // its action ran again: the damaged bytes were not served
        Assert.Equal("{}", project.Fs.ReadText($"{project.Layout.Damaged}/{obj.Hex}"));
        Assert.Equal(obj, ContentHash.Of(Encoding.UTF8.GetBytes(project.Fs.ReadText(StorePath(project, obj)))));
        Assert.Equal(before, project.Outputs());
        Assert.Contains(result.Notices, n => n.Contains("moved aside to .dataforge/damaged/", StringComparison.Ordinal));
        // And the build after that is a no-op again.
        Assert.Equal(0, project.Build().ExecutedCount);
    }

    [Fact]
    public void A_hard_linked_output_written_through_then_deleted_is_still_rebuilt_from_its_action()
    {
        using var project = new TestProject(OutputLinkMode.Hardlink);
        project.WriteMany(3);
        project.Build();
        var before = project.Outputs();
        var stats = $"{TestProject.Out}/stats.txt";

        project.Fs.WriteThrough(stats, "{}"u8.ToArray());
        project.Fs.Delete(stats);
        var result = project.Build();

        Assert.Equal(1, result.Output.Damaged);
        Assert.Equal(1, project.Runs["stats"]);
        Assert.Equal(before, project.Outputs());
    }

    [Fact]
    public void An_object_damaged_in_the_store_with_the_same_size_is_never_restored_into_the_output_folder()
    {
        using var project = new TestProject();
        project.WriteMany(3);
        project.Build();
        var before = project.Outputs();
        var obj = ObjectOf(project, "stats.txt");
        var text = project.Fs.ReadText(StorePath(project, obj));

        // Bit rot (or a root edit in the store): same size, other bytes; the output file is then deleted.
        project.Fs.WriteThrough(StorePath(project, obj), Encoding.UTF8.GetBytes(text.Replace("items", "ITEMS", StringComparison.Ordinal)));
        project.Fs.Delete($"{TestProject.Out}/stats.txt");
        var result = project.Build();

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.Output.Damaged);
        Assert.Equal(before, project.Outputs());
        Assert.Equal(obj, ContentHash.Of(Encoding.UTF8.GetBytes(project.Fs.ReadText(StorePath(project, obj)))));
    }

    [Fact]
    public void Switching_from_hard_links_to_copies_makes_every_output_a_file_of_its_own()
    {
        using var project = new TestProject(OutputLinkMode.Hardlink);
        project.WriteMany(3);
        project.Build();
        var before = project.Outputs();

        project.UseOutputFolder(TestProject.Out, OutputLinkMode.Copy);
        var result = project.Build();
        project.Fs.WriteThrough($"{TestProject.Out}/stats.txt", "{}"u8.ToArray());

        Assert.Equal(before.Count, result.Output.Written);
        Assert.Equal(0, project.Status().OutputsToRemove);
        Assert.Equal(0, project.Build().Output.Damaged); // the object was not touched by the write
        Assert.Equal(before, project.Outputs());
    }

    [Fact]
    public void Reflink_on_a_file_system_that_cannot_clone_copies_and_says_so_once_while_auto_copies_quietly()
    {
        using var reflink = new TestProject(OutputLinkMode.Reflink);
        reflink.WriteMany(3);
        using var auto = new TestProject(OutputLinkMode.Auto);
        auto.WriteMany(3);

        var said = reflink.Build();
        var quiet = auto.Build();

        var notice = Assert.Single(said.Notices, n => n.StartsWith("output.link: reflink:", StringComparison.Ordinal));
        Assert.Contains($"{said.Output.Written} file(s) were copied instead", notice, StringComparison.Ordinal);
        Assert.DoesNotContain(quiet.Notices, n => n.StartsWith("output.link", StringComparison.Ordinal));
        Assert.Equal(auto.Outputs(), reflink.Outputs());
    }

    [Fact]
    public void CheckObjects_finds_damaged_and_missing_objects_and_moves_nothing()
    {
        using var project = new TestProject();
        project.WriteMany(3);
        project.Build();
        var stats = ObjectOf(project, "stats.txt");
        var volume = ObjectOf(project, "volumes/S0.txt");
        var upper = ObjectOf(project, project.Outputs().First(o => o.Path.StartsWith("upper/", StringComparison.Ordinal)).Path);
        project.Fs.WriteThrough(StorePath(project, stats), "{}"u8.ToArray());
        project.Fs.Delete(StorePath(project, volume));

        var check = project.Engine.CheckObjects([stats, volume, upper, stats]);

        Assert.Equal(3, check.Checked);
        Assert.Equal([stats], check.Damaged);
        Assert.Equal([volume], check.Missing);
        Assert.False(check.AllIntact);
        Assert.True(project.Fs.Exists(StorePath(project, stats)));
    }

    [Fact]
    public void CheckStore_lists_a_damaged_object_with_its_outputs_and_roots_moves_it_aside_and_the_next_build_rebuilds_it()
    {
        using var project = new TestProject(OutputLinkMode.Hardlink);
        project.WriteMany(3);
        project.Build();
        var before = project.Outputs();
        var obj = ObjectOf(project, "stats.txt");
        project.Engine.SetRoot("release:v1", [obj]);
        // Damaged in the store itself: fsck re-hashes every object and finds it.
        project.Fs.WriteThrough(StorePath(project, obj), Encoding.UTF8.GetBytes(project.Fs.ReadText(StorePath(project, obj)).ToUpperInvariant()));

        var check = project.Engine.CheckStore();

        Assert.Equal(BuildOutcome.Completed, check.Outcome);
        Assert.True(check.Checked > 5);
        var damaged = Assert.Single(check.Damaged);
        Assert.Equal(obj, damaged.Object);
        Assert.Equal(["stats.txt"], damaged.Outputs);
        Assert.Equal(["release:v1"], damaged.Roots);
        Assert.False(project.Fs.Exists(StorePath(project, obj)));
        Assert.True(project.Fs.Exists($"{project.Layout.Damaged}/{obj.Hex}"));

        var rebuilt = project.Build();
        Assert.Equal(1, project.Runs["stats"]);
        Assert.Equal(before, project.Outputs());
        Assert.Empty(project.Engine.CheckStore().Damaged);
        Assert.Equal(0, rebuilt.Output.Damaged);
    }
}
