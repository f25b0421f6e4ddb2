using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Engine.Building;

/// <summary>
/// A stage input backed by a source file or a store object, checked against its hash as it is read.
/// A source file whose stat is still the one the index vouched for, and older than this build's
/// clock (<paramref name="unchangedSinceIndex"/>, see Indexer's racy-clean rule), is not hashed again:
/// any write to it since it was hashed would have changed that stat. Read whole, the stat is checked
/// after the read; opened as a stream (then seekable, so a header parse need not read the rest), it is
/// checked at open and again by <see cref="ChangedSinceOpened"/> once the stage is done.
/// </summary>
internal sealed class StoredStageItem(ContentHash hash, long size, string? path, Func<Stream> open, Func<JsonElement> metadata,
    Func<bool>? unchangedSinceIndex = null) : StageItem
{
    private readonly Lazy<JsonElement> _metadata = new(metadata);
    private int _trustedOpens;

    public override ContentHash Hash => hash;
    public override long Size => size;
    public override string? Path => path;
    public override JsonElement Metadata => _metadata.Value;

    public override JsonElement ReadMetadataOnce() => _metadata.IsValueCreated ? _metadata.Value : metadata();

    public override Stream OpenRead()
    {
        if (unchangedSinceIndex?.Invoke() == true)
        {
            Interlocked.Increment(ref _trustedOpens);
            return open();
        }
        var stream = open();
        // An object this build stored was hashed from memory as it was written: it is not hashed again (as its published copy is not).
        return stream is Store.WrittenObjectStream ? stream : new VerifyingStream(stream, hash);
    }

    /// <summary>True when a stream opened on the stat's word no longer has that stat: the action's output cannot be trusted.</summary>
    public bool ChangedSinceOpened() => Volatile.Read(ref _trustedOpens) > 0 && unchangedSinceIndex?.Invoke() != true;

    public override byte[] ReadAllBytes()
    {
        using var stream = open();
        var bytes = size is > 0 and <= int.MaxValue ? ReadExactly(stream, (int)size) : ReadToEnd(stream);
        if ((stream is Store.WrittenObjectStream || unchangedSinceIndex?.Invoke() == true) && bytes.Length == size) return bytes;
        if (ContentHash.Of(bytes) != hash) throw new InputChangedException();
        return bytes;
    }

    /// <summary>
    /// The content straight into an array of the indexed size (no second copy). Content of another size cannot have
    /// the indexed hash: the input changed.
    /// </summary>
    private static byte[] ReadExactly(Stream stream, int size)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(size);  // filled below, or thrown away
        var done = 0;
        while (done < size)
        {
            var read = stream.Read(bytes, done, size - done);
            if (read <= 0) throw new InputChangedException();
            done += read;
        }
        if (stream.ReadByte() >= 0) throw new InputChangedException();
        return bytes;
    }

    private static byte[] ReadToEnd(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
