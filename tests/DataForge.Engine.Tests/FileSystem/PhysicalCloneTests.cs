using System.Security.Cryptography;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;
using DataForge.Testing;
using Xunit;

namespace DataForge.Engine.Tests.FileSystem;

/// <summary>Making output files from store objects on the real disk: reflink, copy fallback, hard link, checked bytes.</summary>
public sealed class PhysicalCloneTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-clone");
    private string? _mounted;

    public void Dispose()
    {
        if (_mounted is not null) Oracle.Run("umount", [_mounted]);
        _dir.Dispose();
    }

    private static long InodeOf(string path) => new PhysicalFileSystem().Stat(path)!.Value.Inode;

    private string MakeObject(string folder, byte[] content)
    {
        var path = Path.Combine(folder, "object");
        Directory.CreateDirectory(folder);
        new PhysicalFileSystem().WriteAtomically(path, content, readOnly: true);
        return path;
    }

    [Theory]
    [InlineData(OutputLinkMode.Auto)]
    [InlineData(OutputLinkMode.Reflink)]
    [InlineData(OutputLinkMode.Copy)]
    public void Without_reflinks_every_mode_but_hardlink_makes_a_file_of_its_own_that_a_write_cannot_carry_into_the_object(OutputLinkMode mode)
    {
        var content = RandomNumberGenerator.GetBytes(300_000);
        var source = MakeObject(_dir.Combine("objects"), content);
        var target = _dir.Combine("out.bin");
        var fs = new PhysicalFileSystem();

        var made = fs.CloneFile(source, target, mode, ContentHash.Of(content));

        // The test folder is on ext4 or tmpfs here (no FICLONE): auto and reflink fall back to a copy.
        Assert.True(made is MaterialisedAs.Copy or MaterialisedAs.Reflink);
        Assert.NotEqual(InodeOf(source), InodeOf(target));
        Assert.Equal(content, File.ReadAllBytes(target));
        File.WriteAllText(target, "{}");
        Assert.Equal(content, File.ReadAllBytes(source));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(262_144)]
    [InlineData(700_001)]
    public void A_copy_of_an_object_this_process_wrote_has_its_bytes_without_being_hashed_again(int size)
    {
        // No expected hash (the materialiser's case for an object written in this build): the copy is made unchecked,
        // byte for byte, over several of its buffers.
        var content = RandomNumberGenerator.GetBytes(size);
        var source = MakeObject(_dir.Combine("objects"), content);
        var target = _dir.Combine("out.bin");

        var made = new PhysicalFileSystem().CloneFile(source, target, OutputLinkMode.Copy, null);

        Assert.Equal(MaterialisedAs.Copy, made);
        Assert.Equal(content, File.ReadAllBytes(target));
    }

    [Fact]
    public void A_hard_link_shares_the_objects_inode()
    {
        var source = MakeObject(_dir.Combine("objects"), "content"u8.ToArray());
        var target = _dir.Combine("out.txt");

        Assert.Equal(MaterialisedAs.Hardlink, new PhysicalFileSystem().CloneFile(source, target, OutputLinkMode.Hardlink, null));
        Assert.Equal(InodeOf(source), InodeOf(target));
    }

    [Theory]
    [InlineData(OutputLinkMode.Copy)]
    [InlineData(OutputLinkMode.Hardlink)]
    [InlineData(OutputLinkMode.Auto)]
    public void An_object_that_does_not_hash_to_its_name_is_refused_and_leaves_no_file(OutputLinkMode mode)
    {
        var source = MakeObject(_dir.Combine("objects"), "damaged bytes"u8.ToArray());
        var target = _dir.Combine("out.txt");

        var e = Assert.Throws<DamagedObjectException>(() => new PhysicalFileSystem().CloneFile(source, target, mode, ContentHash.Of("right bytes"u8)));

        Assert.Equal(ContentHash.Of("right bytes"u8), e.Object);
        Assert.False(File.Exists(target));
    }

    [SkippableFact]
    public void On_a_file_system_with_reflinks_a_clone_has_its_own_inode_and_a_write_to_it_leaves_the_object_intact()
    {
        // Only where a reflink-capable file system can be made and loop-mounted (root, mkfs.xfs or mkfs.btrfs).
        var (mkfs, args, size) = Oracle.Find("mkfs.btrfs") is { } btrfs ? (btrfs, new[] { "-q" }, 128L << 20)
            : Oracle.Find("mkfs.xfs") is { } xfs ? (xfs, new[] { "-q", "-m", "reflink=1" }, 320L << 20)
            : (null, [], 0);
        Skip.If(mkfs is null, "neither mkfs.btrfs nor mkfs.xfs is installed: no reflink-capable file system to test FICLONE on (the copy fallback is tested above)");
        var image = _dir.Combine("fs.img");
        using (var file = File.Create(image)) file.SetLength(size);
        Skip.If(Oracle.Run(mkfs!, [.. args, image]).ExitCode != 0, $"{Path.GetFileName(mkfs)} failed");
        var mountPoint = Directory.CreateDirectory(_dir.Combine("mnt")).FullName;
        var mount = Oracle.Run("mount", ["-o", "loop", image, mountPoint]);
        Skip.If(mount.ExitCode != 0, $"loop-mounting is not permitted here: {mount.StandardError.Trim()}");
        _mounted = mountPoint;

        var content = RandomNumberGenerator.GetBytes(1 << 20);
        var source = MakeObject(Path.Combine(mountPoint, "objects"), content);
        var target = Path.Combine(mountPoint, "out.bin");
        var made = new PhysicalFileSystem().CloneFile(source, target, OutputLinkMode.Auto, ContentHash.Of(content));

        Assert.Equal(MaterialisedAs.Reflink, made);
        Assert.NotEqual(InodeOf(source), InodeOf(target));
        File.WriteAllText(target, "{}");
        Assert.Equal(content, File.ReadAllBytes(source));
    }

    [Fact]
    public void A_file_renamed_into_a_missing_folder_fails_as_a_missing_folder_and_one_renamed_over_a_file_replaces_it()
    {
        // The materialiser makes a folder removed since it last made it again when the rename says it is missing.
        var fs = new PhysicalFileSystem();
        var temp = _dir.Combine("temp");
        File.WriteAllText(temp, "new");
        Assert.Throws<DirectoryNotFoundException>(() => fs.MoveFile(temp, _dir.Combine("gone/file")));
        Assert.Equal("new", File.ReadAllText(temp));

        var target = _dir.Combine("file");
        File.WriteAllText(target, "old");
        fs.MoveFile(temp, target);
        Assert.Equal("new", File.ReadAllText(target));
        Assert.False(File.Exists(temp));
    }
}
