using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// The output folder as the last build left it, checked with one stat per file (no content read): a file is in place
/// when it finished, and its size, mtime and inode are the ones recorded right after it was made (a hard link also
/// still shares its inode with the object). Anything else was edited, replaced, deleted or half-written: its object is
/// re-hashed before the file is made again. state.db's meta 'output-root' says which folder the rows are in, so that
/// moving <c>output.path</c> cleans the old folder instead of the new one, and meta 'output-state-root' says which
/// <c>.dataforge/</c> wrote them: a project folder copied or moved with its <c>.dataforge/</c> reads rows about the folder
/// it was copied from. Its own output folder there is found at the same place relative to the project; a folder of the
/// original's outside the project is another copy's, whose files a build here never removes.
/// </summary>
internal sealed class OutputState
{
    /// <summary>Meta key of the folder the materialised rows are in.</summary>
    public const string RootKey = "output-root";

    /// <summary>Meta key of the private zone (<c>.dataforge/</c>) that recorded the materialised rows.</summary>
    public const string StateRootKey = "output-state-root";

    private OutputState(string root, bool moved, bool foreign, Dictionary<string, MaterialisedRecord> records)
    {
        Root = root;
        Moved = moved;
        Foreign = foreign;
        Records = records;
    }

    /// <summary>The folder the recorded files are in.</summary>
    public string Root { get; }

    /// <summary>True when the output folder is no longer <see cref="Root"/>: every recorded file is removed, every output written anew.</summary>
    public bool Moved { get; }

    /// <summary>
    /// True when the recorded folder is not this project's to clean: the rows came with a copied <c>.dataforge/</c> and
    /// name a folder outside the project it was copied from (or, in a state.db that did not record its private zone, outside
    /// this project). Its files are forgotten, never removed. Implies <see cref="Moved"/>.
    /// </summary>
    public bool Foreign { get; }

    /// <summary>What state.db says the folder holds, by output-relative path.</summary>
    public Dictionary<string, MaterialisedRecord> Records { get; }

    /// <summary>Recorded files not as recorded: missing, unfinished, or with another size, mtime or inode.</summary>
    public HashSet<string> Changed { get; } = new(StringComparer.Ordinal);

    /// <summary>Hard links in place while <c>output.link</c> no longer asks for hard links: made again, as the mode asks.</summary>
    public HashSet<string> Relink { get; } = new(StringComparer.Ordinal);

    /// <summary>Stats every recorded output file (in the folder it was recorded in).</summary>
    public static OutputState Read(IFileSystem fs, StateDatabase db, StoreLayout layout, OutputLinkMode mode)
    {
        var records = db.LoadMaterialised();
        var (root, foreign) = RecordedRoot(db, layout);
        var state = new OutputState(root, foreign || !string.Equals(root, layout.OutputRoot, StringComparison.Ordinal), foreign, records);
        foreach (var (path, row) in records)
        {
            var same = row.Done && fs.StatWithLinks($"{root}/{path}", out var links) is { } stat
                && stat.Size == row.Size && stat.MtimeNs == row.MtimeNs && stat.Inode == row.Inode
                && (row.As != MaterialisedAs.Hardlink || links >= 2);
            if (!same) state.Changed.Add(path);
            else if (row.As == MaterialisedAs.Hardlink && mode != OutputLinkMode.Hardlink) state.Relink.Add(path);
        }
        return state;
    }

    /// <summary>
    /// The folder the rows are in, as seen from this project, and whether it is another copy's. Rows written by this
    /// <c>.dataforge/</c> name their folder as they are. Rows written by another (the project folder was copied or moved)
    /// name a folder of that project: one inside it is the same folder of this project, one outside it is not ours.
    /// </summary>
    private static (string Root, bool Foreign) RecordedRoot(StateDatabase db, StoreLayout layout)
    {
        var root = db.GetMeta(RootKey) ?? layout.OutputRoot;
        var writer = db.GetMeta(StateRootKey);
        if (string.Equals(writer, layout.StateRoot, StringComparison.Ordinal) || string.Equals(root, layout.OutputRoot, StringComparison.Ordinal))
            return (root, false);
        if (writer is null)
            // Recorded before the private zone was: only a folder inside this project is known to be its own.
            return (root, !Inside(root, layout.ProjectRoot));
        var original = Path.GetDirectoryName(writer)!;
        if (!Inside(root, original)) return (root, true);
        var here = Path.Combine(layout.ProjectRoot, Path.GetRelativePath(original, root));
        return (Path.TrimEndingDirectorySeparator(here), false);
    }

    private static bool Inside(string path, string folder) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(folder) + "/", StringComparison.Ordinal);

    /// <summary>True when the file at <paramref name="path"/> is in place with <paramref name="obj"/>'s content and needs no work.</summary>
    public bool InPlace(string path, ContentHash obj) =>
        !Moved && Records.TryGetValue(path, out var row) && row.Object == obj && !Changed.Contains(path) && !Relink.Contains(path);

    /// <summary>True when every recorded file is in place in the current folder (the no-op build's check).</summary>
    public bool AllInPlace => !Moved && Changed.Count == 0 && Relink.Count == 0;
}
