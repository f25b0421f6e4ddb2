using System.Text.Json;
using DataForge.Engine.Building;
using DataForge.Engine.Hashing;
using Xunit;

namespace DataForge.Engine.Tests.Building;

public sealed class StoredStageItemTests
{
    [Fact]
    public void Metadata_read_once_is_not_kept_and_metadata_kept_is_not_read_again()
    {
        var loads = 0;
        JsonElement Load()
        {
            loads++;
            using var document = JsonDocument.Parse("""{"deid_counts":{"PatientName":{"replaced":1}}}""");
            return document.RootElement.Clone();
        }
        var item = new StoredStageItem(ContentHash.Of("x"u8), 1, null, () => new MemoryStream("x"u8.ToArray()), Load);

        Assert.True(item.ReadMetadataOnce().TryGetProperty("deid_counts", out _));
        item.ReadMetadataOnce();
        Assert.Equal(2, loads); // nothing kept between the two

        Assert.True(item.Metadata.TryGetProperty("deid_counts", out _));
        item.Metadata.GetProperty("deid_counts");
        item.ReadMetadataOnce();
        Assert.Equal(3, loads); // kept once read as Metadata, and then served from there
    }

    private static JsonElement NoMetadata() => default;

    [Fact]
    public void An_object_this_build_stored_is_read_without_hashing_it_again_and_any_other_read_is_hashed()
    {
        // Bytes that do not have the item's hash: only a read that hashes them notices.
        var hash = ContentHash.Of("what was stored"u8);
        var other = "something else!"u8.ToArray();
        var written = new StoredStageItem(hash, other.Length, null, () => new DataForge.Engine.Store.WrittenObjectStream(new MemoryStream(other)), NoMetadata);
        var plain = new StoredStageItem(hash, other.Length, null, () => new MemoryStream(other), NoMetadata);

        Assert.Equal(other, written.ReadAllBytes());
        using (var stream = written.OpenRead()) Assert.Equal(other.Length, stream.Read(new byte[64]));
        Assert.Throws<InputChangedException>(() => plain.ReadAllBytes());
        using var verifying = plain.OpenRead();
        Assert.Throws<InputChangedException>(() => verifying.CopyTo(Stream.Null));
    }

    [Fact]
    public void The_store_marks_only_objects_this_instance_wrote()
    {
        using var dir = new DataForge.Testing.TempDirectory("dataforge-written");
        var fs = new DataForge.Engine.FileSystem.PhysicalFileSystem();
        var hash = new DataForge.Engine.Store.ObjectStore(fs, dir.Combine("objects")).Put("content"u8);
        var writer = new DataForge.Engine.Store.ObjectStore(fs, dir.Combine("objects"));
        var stored = writer.Put("content 2"u8);

        using (var mine = writer.OpenRead(stored)) Assert.IsType<DataForge.Engine.Store.WrittenObjectStream>(mine);
        using (var earlier = writer.OpenRead(hash)) Assert.IsNotType<DataForge.Engine.Store.WrittenObjectStream>(earlier);
        using var read = writer.OpenRead(stored);
        using var copy = new MemoryStream();
        read.CopyTo(copy);
        Assert.Equal("content 2"u8.ToArray(), copy.ToArray());
    }
}
