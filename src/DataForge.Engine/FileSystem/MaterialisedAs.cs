namespace DataForge.Engine.FileSystem;

/// <summary>What a file of the output folder is to its store object (recorded in state.db; the numbers are stored).</summary>
public enum MaterialisedAs
{
    /// <summary>A copy of the object's bytes.</summary>
    Copy = 0,

    /// <summary>A hard link: the object's own inode.</summary>
    Hardlink = 1,

    /// <summary>A copy-on-write clone: shares the object's blocks until either is written, never its inode.</summary>
    Reflink = 2,
}
