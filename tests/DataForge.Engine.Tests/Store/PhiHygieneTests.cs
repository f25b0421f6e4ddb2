using System.Text;
using DataForge.Engine.Building;
using DataForge.Engine.Store;
using DataForge.Engine.TestHost;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Store;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PhiHygieneTests
{
    private const string Marker = "DOE^JANE^19610101";

    [Fact]
    public void The_state_database_holds_no_byte_of_file_content_or_metadata()
    {
        using var project = new DiskProject();
        for (var i = 0; i < 6; i++) project.WriteSource($"p{i}.txt", $"{Marker}-{i % 2}", $"{Marker} body {i}");
        var engine = new BuildEngine(new StoreLayout(project.Root, project.Out));
        var result = engine.Build(HostPipeline.Create(project.Root, 0));
        engine.Status(HostPipeline.Create(project.Root, 0, "k2"));
        Assert.True(result.Succeeded);

        // The series value (a content-derived group key) reached the store as metadata, never state.db.
        var stateFiles = Directory.EnumerateFiles(project.StateRoot).ToList();
        Assert.Contains(stateFiles, f => f.EndsWith("state.db", StringComparison.Ordinal));
        foreach (var file in stateFiles)
            Assert.DoesNotContain(Marker, Encoding.Latin1.GetString(File.ReadAllBytes(file)), StringComparison.Ordinal);
        Assert.Contains(Directory.EnumerateFiles(Path.Combine(project.StateRoot, "objects"), "*", SearchOption.AllDirectories),
            f => Encoding.Latin1.GetString(File.ReadAllBytes(f)).Contains(Marker, StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_name_items_by_source_relative_path_or_hash_only()
    {
        using var project = new DiskProject();
        project.WriteSource("a.txt", Marker, "x");
        project.WriteSource("b.txt", "S", "y");
        File.WriteAllText(Path.Combine(project.Raw, "c.txt"), $"{Marker} without a series line");
        var engine = new BuildEngine(new StoreLayout(project.Root, project.Out));

        var result = engine.Build(HostPipeline.Create(project.Root, 0));
        var status = engine.Status(HostPipeline.Create(project.Root, 0, "k2"));

        var text = string.Join("\n", result.Failures.Select(f => f.ToString()).Concat(result.Executed.Select(e => e.ToString()))
            .Concat(status.WouldRun.Select(e => e.ToString())).Concat(result.Notices));
        Assert.Contains("header: raw:c.txt: no series line", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, text, StringComparison.Ordinal);
        Assert.Contains("volume: group #", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_state_folder_and_its_object_folders_are_private()
    {
        using var project = new DiskProject();
        project.WriteMany(2);
        new BuildEngine(new StoreLayout(project.Root, project.Out)).Build(HostPipeline.Create(project.Root, 0));

        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(Private, File.GetUnixFileMode(project.StateRoot));
        Assert.All(Directory.EnumerateDirectories(project.StateRoot, "*", SearchOption.AllDirectories),
            d => Assert.Equal(Private, File.GetUnixFileMode(d)));
    }

    [Fact]
    public void With_hard_links_published_outputs_are_hard_links_to_read_only_store_objects()
    {
        using var project = new DiskProject();
        project.WriteMany(2);
        new BuildEngine(new StoreLayout(project.Root, project.Out)) { OutputLink = DataForge.Engine.FileSystem.OutputLinkMode.Hardlink }
            .Build(HostPipeline.Create(project.Root, 0));

        var manifest = Path.Combine(project.Out, "MANIFEST.txt");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(manifest));
        var fs = new DataForge.Engine.FileSystem.PhysicalFileSystem();
        var stat = fs.Stat(manifest)!.Value;
        var hash = DataForge.Engine.Hashing.ContentHash.Of(File.ReadAllBytes(manifest));
        Assert.Equal(stat.Inode, fs.Stat(new ObjectStore(fs, Path.Combine(project.StateRoot, "objects")).PathOf(hash))!.Value.Inode);
    }

    [Fact]
    public void By_default_published_outputs_are_files_of_their_own_and_every_store_object_is_read_only()
    {
        using var project = new DiskProject();
        project.WriteMany(2);
        new BuildEngine(new StoreLayout(project.Root, project.Out)).Build(HostPipeline.Create(project.Root, 0));

        var manifest = Path.Combine(project.Out, "MANIFEST.txt");
        var fs = new DataForge.Engine.FileSystem.PhysicalFileSystem();
        var hash = DataForge.Engine.Hashing.ContentHash.Of(File.ReadAllBytes(manifest));
        var objectPath = new ObjectStore(fs, Path.Combine(project.StateRoot, "objects")).PathOf(hash);
        Assert.NotEqual(fs.Stat(manifest)!.Value.Inode, fs.Stat(objectPath)!.Value.Inode);
        var objects = Directory.GetFiles(Path.Combine(project.StateRoot, "objects"), "*", SearchOption.AllDirectories);
        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(o)));
        // Their folders are private: the store may hold PHI.
        Assert.All(Directory.GetDirectories(Path.Combine(project.StateRoot, "objects")), d =>
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(d)));
    }
}
