using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Planning;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>Reading an item's metadata object and the value a group stage groups it by.</summary>
internal static class StageMetadata
{
    /// <summary>The metadata object as JSON; null when it is missing from the store.</summary>
    public static JsonElement? Read(ObjectStore objects, ContentHash hash)
    {
        if (hash == CanonicalJson.EmptyObject.Hash) return CanonicalJson.EmptyObject.ToElement();
        var bytes = objects.TryRead(hash);
        if (bytes is null) return null;
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }

    /// <summary>The canonical JSON of the grouping property's value; "" when absent; null when the metadata object is missing.</summary>
    public static string? GroupKeyOf(ObjectStore objects, Item item, string property)
    {
        var metadata = Read(objects, item.Metadata);
        if (metadata is null) return null;
        return metadata.Value.ValueKind == JsonValueKind.Object && metadata.Value.TryGetProperty(property, out var value)
            && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? CanonicalJson.From(value).Text
            : "";
    }
}
