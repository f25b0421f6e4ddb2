namespace DataForge.Engine.FileSystem;

/// <summary>
/// What the stat cache compares to decide whether a file must be re-hashed: size, modification
/// time in nanoseconds since the Unix epoch, and inode (0 where the platform gives none).
/// </summary>
public readonly record struct FileStat(long Size, long MtimeNs, long Inode);
