using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>
/// A row of the stat cache: the stat a file had when its content was hashed. A class, not a struct: the stat cache
/// is a dictionary of 100,000 of them, and the runtime's precompiled dictionary code serves reference types only (one
/// over a struct of this assembly would run unoptimised code compiled at start-up).
/// </summary>
public sealed record FileRecord(FileStat Stat, ContentHash Hash);
