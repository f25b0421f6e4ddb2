using DataForge.Engine.FileSystem;
using DataForge.Testing;
using Xunit;

namespace DataForge.Engine.Tests.FileSystem;

/// <summary>
/// Opening a file for reading on the real disk (each stage that reads a source opens it): a seekable stream of the file's
/// bytes, and the failures callers tell apart (missing file, missing folder, a folder), with no path in the message.
/// </summary>
public sealed class PhysicalReadTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-read");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_file_opens_as_a_seekable_stream_of_its_bytes_that_reads_from_any_offset()
    {
        var content = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        var path = _dir.Combine("slice.dcm");
        File.WriteAllBytes(path, content);
        using var stream = new PhysicalFileSystem().OpenRead(path);
        Assert.True(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Equal(content.Length, stream.Length);
        var head = new byte[132];
        stream.ReadExactly(head);
        Assert.Equal(content[..132], head);
        stream.Position = 4990;
        var tail = new byte[100];
        Assert.Equal(10, stream.ReadAtLeast(tail, tail.Length, throwOnEndOfStream: false));
        Assert.Equal(content[4990..], tail[..10]);
    }

    [Fact]
    public void A_missing_file_a_missing_folder_and_a_folder_fail_as_each_and_say_no_path()
    {
        var fs = new PhysicalFileSystem();
        var secret = "Doe^Jane";
        Directory.CreateDirectory(_dir.Combine(secret));
        var missingFile = Assert.Throws<FileNotFoundException>(() => fs.OpenRead(_dir.Combine(secret, "absent.dcm")));
        var missingFolder = Assert.Throws<DirectoryNotFoundException>(() => fs.OpenRead(_dir.Combine("absent", secret)));
        var folder = Assert.Throws<UnauthorizedAccessException>(() => fs.OpenRead(_dir.Combine(secret)));
        if (OperatingSystem.IsLinux())
            foreach (var e in new Exception[] { missingFile, missingFolder, folder })
                Assert.DoesNotContain(secret, e.Message, StringComparison.Ordinal);
    }
}
