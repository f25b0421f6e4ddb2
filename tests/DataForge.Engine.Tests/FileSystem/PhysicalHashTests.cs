using DataForge.Engine.FileSystem;
using DataForge.Testing;
using Xunit;

namespace DataForge.Engine.Tests.FileSystem;

/// <summary>The indexer's file hash (open, read, close, no FileStream) against GNU sha256sum.</summary>
public sealed class PhysicalHashTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-hash");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2000)]
    [InlineData((1 << 18) - 1)]
    [InlineData(1 << 18)]
    [InlineData((1 << 18) + 1)]
    [InlineData(3 * (1 << 18) + 12345)]
    public void A_files_hash_is_what_sha256sum_says_at_every_block_boundary(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var path = _dir.Combine($"f{length}.bin");
        File.WriteAllBytes(path, bytes);

        var hash = new PhysicalFileSystem().HashFile(path);

        var sha256sum = Oracle.Run(Oracle.Require("sha256sum"), [path]).StandardOutput.Split(' ')[0];
        Assert.Equal(sha256sum, hash.Hex);
    }

    [Theory]
    [InlineData(2000, 2000)]        // the walk's size: one read
    [InlineData(3000, 2000)]        // grew since the walk: read to its end all the same
    [InlineData(2000, 3000)]        // shrank since the walk
    [InlineData(1 << 18, 1 << 18)]  // exactly one block: the first read is not short
    [InlineData((1 << 18) + 7, (1 << 18) + 7)]
    public void A_files_hash_given_the_walks_size_is_what_sha256sum_says_of_the_whole_file(int length, long statSize)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var path = _dir.Combine($"s{length}-{statSize}.bin");
        File.WriteAllBytes(path, bytes);

        var hash = new PhysicalFileSystem().HashFile(path, statSize);

        var sha256sum = Oracle.Run(Oracle.Require("sha256sum"), [path]).StandardOutput.Split(' ')[0];
        Assert.Equal(sha256sum, hash.Hex);
    }

    [Fact]
    public void A_missing_file_is_an_io_error_that_names_no_path()
    {
        var e = Assert.ThrowsAny<IOException>(() => new PhysicalFileSystem().HashFile(_dir.Combine("secret-name.dcm")));

        Assert.DoesNotContain("secret-name", e.Message, StringComparison.Ordinal);
    }
}
