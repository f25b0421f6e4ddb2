namespace DataForge.Engine.FileSystem;

/// <summary>
/// How the output folder's files are made from their store objects (<c>output.link</c> in the manifest). Whichever
/// mode, an output can never write through to the store: a copy and a reflink are files of their own, and a hard link
/// (which shares the object's bytes) is checked against its recorded stat on every build.
/// </summary>
public enum OutputLinkMode
{
    /// <summary>A reflink (copy-on-write clone, FICLONE) where the file system can make one, else a copy. The default.</summary>
    Auto,

    /// <summary>A reflink; where the file system cannot clone, a copy (and the build says so once).</summary>
    Reflink,

    /// <summary>
    /// A read-only hard link: no disk space, but a write through it (as root, or after chmod) would change the
    /// object. Every build notices the changed stat, re-hashes the object and moves a damaged one aside.
    /// </summary>
    Hardlink,

    /// <summary>A full copy: as much disk again as the outputs take, and nothing shared.</summary>
    Copy,
}
