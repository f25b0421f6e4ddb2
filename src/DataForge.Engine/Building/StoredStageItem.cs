using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Engine.Building;

/// <summary>A stage input backed by a source file or a store object, checked against its hash as it is read.</summary>
internal sealed class StoredStageItem(ContentHash hash, long size, string? path, Func<Stream> open, Func<JsonElement> metadata) : StageItem
{
    private readonly Lazy<JsonElement> _metadata = new(metadata);

    public override ContentHash Hash => hash;
    public override long Size => size;
    public override string? Path => path;
    public override JsonElement Metadata => _metadata.Value;

    public override Stream OpenRead() => new VerifyingStream(open(), hash);

    public override byte[] ReadAllBytes()
    {
        using var stream = open();
        using var copy = new MemoryStream(size > 0 && size < int.MaxValue ? (int)size : 0);
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        if (ContentHash.Of(bytes) != hash) throw new InputChangedException();
        return bytes;
    }
}
