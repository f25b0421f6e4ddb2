using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>A row of the stat cache: the stat a file had when its content was hashed.</summary>
public readonly record struct FileRecord(FileStat Stat, ContentHash Hash);
