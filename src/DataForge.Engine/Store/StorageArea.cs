namespace DataForge.Engine.Store;

/// <summary>Where a write failed, for a message that says which folder to make room in (see <see cref="StorageException"/>).</summary>
public enum StorageArea
{
    /// <summary><c>.dataforge/objects</c> (and <c>state.db</c> beside it).</summary>
    Store,

    /// <summary>The output folder.</summary>
    Output,

    /// <summary><c>.dataforge/tmp</c>, where output files are made before they are renamed into place.</summary>
    Temp,

    /// <summary>Not known: the write failed outside the engine's own areas (a file a command writes elsewhere).</summary>
    Unknown,
}
