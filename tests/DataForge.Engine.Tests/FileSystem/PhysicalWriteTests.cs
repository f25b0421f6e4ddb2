using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;
using DataForge.Testing;
using Xunit;

namespace DataForge.Engine.Tests.FileSystem;

/// <summary>
/// Writing a file atomically on the real disk (the object store's one write per object): exact bytes, exact modes, no
/// temporary file left, an existing file replaced whole, and an object folder removed under a running store made again.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PhysicalWriteTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-write");

    public void Dispose() => _dir.Dispose();

    private static int Umask() =>
        Convert.ToInt32(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Umask:", StringComparison.Ordinal))[6..].Trim(), 8);

    [SkippableFact]
    public void A_read_only_file_is_0444_whatever_the_umask_and_a_plain_one_is_0666_less_the_umask()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "Unix modes");
        var fs = new PhysicalFileSystem();
        var readOnly = _dir.Combine("ro");
        var plain = _dir.Combine("plain");
        fs.WriteAtomically(readOnly, "object bytes"u8, readOnly: true, durable: false);
        fs.WriteAtomically(plain, "marker"u8, readOnly: false, durable: true);

        Assert.Equal("object bytes", File.ReadAllText(readOnly));
        Assert.Equal("marker", File.ReadAllText(plain));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(readOnly));
        Assert.Equal((UnixFileMode)(0x1b6 & ~Umask()), File.GetUnixFileMode(plain));
        Assert.Equal(["plain", "ro"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_existing_file_is_replaced_whole_and_an_empty_content_makes_an_empty_file()
    {
        var fs = new PhysicalFileSystem();
        var path = _dir.Combine("roots");
        fs.WriteAtomically(path, "a longer first version"u8, readOnly: false);
        fs.WriteAtomically(path, "second"u8, readOnly: false);
        Assert.Equal("second", File.ReadAllText(path));
        var empty = _dir.Combine("marker");
        fs.WriteAtomically(empty, [], readOnly: false, durable: false);
        Assert.Equal(0, new FileInfo(empty).Length);
        Assert.Equal(2, Directory.GetFiles(_dir.Path).Length);
    }

    [Fact]
    public void A_write_into_a_missing_folder_fails_as_a_missing_folder_and_leaves_nothing()
    {
        var fs = new PhysicalFileSystem();
        Assert.Throws<DirectoryNotFoundException>(() => fs.WriteAtomically(_dir.Combine("absent/file"), "x"u8, readOnly: true, durable: false));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void An_object_folder_removed_while_the_store_runs_is_made_again_on_the_next_write()
    {
        var store = new ObjectStore(new PhysicalFileSystem(), _dir.Combine("objects"));
        var first = store.Put("first object"u8);
        var folder = _dir.Combine("objects", first.Hex[..2]);
        File.SetUnixFileMode(store.PathOf(first), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.Delete(folder, recursive: true);

        // Another content in the same folder (its first two hex digits): the store remembers the folder as made.
        byte[] second;
        var n = 0;
        do second = System.Text.Encoding.UTF8.GetBytes($"second object {n++}");
        while (ContentHash.Of(second).Hex[..2] != first.Hex[..2]);
        var hash = store.Put(second);

        Assert.Equal(second, File.ReadAllBytes(store.PathOf(hash)));
        Assert.Equal(ObjectCondition.Intact, store.Check(hash));
        Assert.Equal(first, store.Put("first object"u8));
        Assert.Equal(ObjectCondition.Intact, store.Check(first));
    }
}
