using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>
/// A file of the output folder as state.db records it: its store object and size; the inode it was
/// given when it was made a hard link to that object (0 when it was copied); and whether writing it
/// finished (false while it is being written).
/// </summary>
public readonly record struct MaterialisedRecord(ContentHash Object, long Size, long LinkedInode, bool Done);
