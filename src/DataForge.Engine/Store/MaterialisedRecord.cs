using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>
/// A file of the output folder as state.db records it: its store object and size; the file's inode and mtime
/// right after it was made (a file whose size, mtime or inode differs has been changed or replaced since); how it
/// was made from the object; and whether writing it finished (false while it is being written).
/// </summary>
public readonly record struct MaterialisedRecord(ContentHash Object, long Size, long Inode, long MtimeNs, MaterialisedAs As, bool Done);
