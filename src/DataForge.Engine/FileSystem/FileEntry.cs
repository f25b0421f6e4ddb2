namespace DataForge.Engine.FileSystem;

/// <summary>A regular file found by a walk: its path relative to the walked root ('/' separated) and its stat.</summary>
public readonly record struct FileEntry(string RelativePath, FileStat Stat);
