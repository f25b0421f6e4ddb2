using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Indexing;
using DataForge.Engine.Planning;
using Xunit;

namespace DataForge.Engine.Tests.Building;

public sealed class ItemTests
{
    private static readonly SourceFile File = new("raw", "CT/series 1/0001.dcm", "/data/raw/", new FileStat(2048, 17, 99),
        ContentHash.Of("content"u8)) { Unchanged = true };

    [Fact]
    public void A_source_item_names_itself_as_slots_and_messages_always_have()
    {
        var item = Item.OfSource(File);

        // The identity names the item's slot in state.db: another text would re-run every action of a store.
        Assert.Equal("source:raw/CT/series 1/0001.dcm", item.Identity);
        Assert.Equal("raw:CT/series 1/0001.dcm", item.Label);
        Assert.Equal("/data/raw/CT/series 1/0001.dcm", item.SourceFile);
        Assert.Equal((File.RelativePath, File.Hash, 2048L, CanonicalJson.EmptyObject.Hash, (ContentHash?)null),
            (item.Path, item.Hash, item.Size, item.Metadata, item.Producer));
        Assert.Equal(File.Stat, item.SourceStat);
        Assert.True(item.Unchanged);
    }

    [Fact]
    public void A_changed_copy_keeps_the_source_and_a_map_action_and_its_explanation_take_the_items_label()
    {
        var item = Item.OfSource(File) with { Unchanged = false };
        var action = new PlannedAction { Slot = ActionKeys.SlotOf(item.Identity), Inputs = [item] };

        Assert.Equal("raw:CT/series 1/0001.dcm", item.Label);
        Assert.False(item.Unchanged);
        Assert.Equal(item.Label, action.Label);
        // An explanation holding the item reads as, and equals, one given the label text.
        var explanation = new Explanation("header", item, RunReason.NewInput);
        Assert.Equal("raw:CT/series 1/0001.dcm", explanation.Item);
        Assert.Equal(new Explanation("header", "raw:CT/series 1/0001.dcm", RunReason.NewInput), explanation);
        Assert.Equal(new Explanation("header", "raw:CT/series 1/0001.dcm", RunReason.NewInput).GetHashCode(), explanation.GetHashCode());
        Assert.NotEqual(new Explanation("header", "raw:CT/series 1/0001.dcm", RunReason.ChangedInput), explanation);
    }

    [Fact]
    public void An_output_item_names_itself_by_stage_slot_and_path_and_is_labelled_by_its_hash()
    {
        var hash = ContentHash.Of("output"u8);
        var slot = ActionKeys.SlotOf("source:raw/a.dcm");

        var item = Item.OfOutput("deidentify", slot, "series/1.2.3/a.dcm", hash, 6, CanonicalJson.EmptyObject.Hash, ContentHash.Of("key"u8), null);

        // The identity names downstream slots; the label never names the path, which may be derived from content.
        Assert.Equal($"deidentify:{slot}:series/1.2.3/a.dcm", item.Identity);
        Assert.Equal($"deidentify#{hash.Short}", item.Label);
        Assert.Null(item.SourceFile);
        Assert.Equal(ContentHash.Of("key"u8), item.Producer);
    }
}
