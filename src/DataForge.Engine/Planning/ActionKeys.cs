using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Engine.Planning;

/// <summary>
/// Action keys. key = H("action/1", stage id, version, definition hash, inputs hash) where
/// definition hash = H(shape, group-by property, reads-paths flag, publish flag, canonical config) and
/// inputs hash = H(group key hash, then per input in order: content hash, size, metadata hash, and the
/// path when the stage reads paths). Same key, same outputs.
/// Keyed on what an input is, never on which action made it (format 2; format 1 also hashed the upstream
/// action key): a stage sees only an input's bytes, metadata and path, so an upstream rerun that makes
/// the same ones (a version bump, an option that changes nothing here) stops there, as Bazel's and
/// Buck2's content-keyed actions and ninja's restat do (early cutoff).
/// </summary>
internal static class ActionKeys
{
    public static ContentHash DefinitionHash(StageDefinition definition)
    {
        using var h = new KeyHasher("stage-definition/1");
        return h.Add('s', definition.Shape.ToString())
            .Add('g', definition.GroupBy ?? "")
            .Add('p', definition.ReadsInputPaths ? 1 : 0)
            // A stage may name its outputs by whether it publishes them (a harmonise step writes its store path
            // unless it is the last one): an action recorded unpublished must not be served to a publishing stage.
            .Add('b', definition.Publish ? 1 : 0)
            .Add('c', definition.Config.Text)
            .Finish();
    }

    public static ContentHash InputsHash(StageDefinition definition, IReadOnlyList<Item> inputs, string? groupKeyHash)
    {
        using var h = new KeyHasher("action-inputs/2");
        h.Add('k', groupKeyHash ?? "");
        h.Add('n', inputs.Count);
        foreach (var item in inputs)
        {
            h.Add('h', item.Hash).Add('z', item.Size).Add('m', item.Metadata);
            if (definition.ReadsInputPaths) h.Add('p', item.Path);
        }
        return h.Finish();
    }

    public static ContentHash Key(StageDefinition definition, ContentHash definitionHash, ContentHash inputsHash)
    {
        using var h = new KeyHasher("action/1");
        return h.Add('i', definition.Id).Add('v', definition.Version).Add('d', definitionHash).Add('x', inputsHash).Finish();
    }

    /// <summary>The deterministic order of a group's or reduce's inputs: path (when read), content, metadata, identity.</summary>
    public static List<Item> Order(StageDefinition definition, IEnumerable<Item> items)
    {
        var list = items.ToList();
        list.Sort((a, b) =>
        {
            var c = definition.ReadsInputPaths ? string.CompareOrdinal(a.Path, b.Path) : 0;
            if (c == 0) c = a.Hash.CompareTo(b.Hash);
            if (c == 0) c = a.Metadata.CompareTo(b.Metadata);
            // No producer (a source file) first, as the empty text it stood for.
            if (c == 0) c = a.Producer is { } pa ? b.Producer is { } pb ? pa.CompareTo(pb) : 1 : b.Producer is null ? 0 : -1;
            if (c == 0) c = string.CompareOrdinal(a.Identity, b.Identity);
            return c;
        });
        return list;
    }

    /// <summary>Hash naming a slot (kept in state.db instead of the item's identity, which may be content-derived).</summary>
    public static string SlotOf(string identity) => SlotHashOf(identity).Hex;

    /// <summary>The slot of <see cref="SlotOf"/> as its digest (32 bytes, where its hex text costs 152 on the heap).</summary>
    public static ContentHash SlotHashOf(string identity)
    {
        using var h = new KeyHasher("slot/1");
        return h.Add('i', identity).Finish();
    }
}
