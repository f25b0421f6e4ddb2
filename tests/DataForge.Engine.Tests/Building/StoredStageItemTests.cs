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
}
