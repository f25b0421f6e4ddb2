using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// Makes the output folder hold exactly the published outputs of the current build: each file a reflink, copy or
/// read-only hard link of its store object (<see cref="OutputLinkMode"/>), made under <c>.dataforge/tmp</c> and renamed
/// into place. An object is re-hashed before a file is made from it unless this process wrote it: a damaged one is
/// moved aside (<see cref="DamagedObjects"/>) and its files are left for the build's second pass. Files a previous
/// build put there that no longer belong are removed first (so a new output may take an old one's folder), with
/// folders left empty; when <c>output.path</c> moved, every file of the old folder is. Files the engine never wrote are
/// left alone. A file is recorded (not done) before it is written, so a build killed half-way leaves no file the next
/// build does not know about.
/// </summary>
internal sealed class Materialiser(IFileSystem fs, StateDatabase db, ObjectStore objects, StoreLayout layout, OutputLinkMode mode)
{
    private readonly HashSet<string> _folders = new(StringComparer.Ordinal);

    /// <summary>Files copied because <c>output.link: reflink</c> could not clone them (the file system cannot).</summary>
    public int CopiedForReflink { get; private set; }

    /// <summary>Brings the folder in line with <paramref name="desired"/> (output-relative path -> object and size).</summary>
    public OutputReport Apply(OutputState state, IReadOnlyDictionary<string, (ContentHash Object, long Size)> desired, DamagedObjects damaged)
    {
        var removed = 0;
        if (state.Foreign)
        {
            // Another copy's folder: its rows are forgotten, its files left to that copy.
            foreach (var path in state.Records.Keys) db.DeleteMaterialised(path);
        }
        else if (state.Moved)
        {
            removed += Remove(state.Root, state.Records.Keys.Order(StringComparer.Ordinal));
            // The old folder itself, when the build left it empty (its parent is the user's).
            fs.DeleteEmptyFoldersUpwards(state.Root, Path.GetDirectoryName(state.Root) ?? state.Root);
        }
        else removed += Remove(layout.OutputRoot, state.Records.Keys.Where(p => !desired.ContainsKey(p)).Order(StringComparer.Ordinal));
        db.SetMeta(OutputState.RootKey, layout.OutputRoot);
        db.SetMeta(OutputState.StateRootKey, layout.StateRoot);
        db.Commit();

        var toWrite = desired.Where(p => !state.InPlace(p.Key, p.Value.Object)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        foreach (var (path, _) in toWrite) db.Names.Add(path);
        db.SaveNames(objects);
        foreach (var (path, (obj, size)) in toWrite) db.PutMaterialised(path, new MaterialisedRecord(obj, size, 0, 0, MaterialisedAs.Copy, Done: false));
        db.Commit();
        var left = toWrite.Sum(p => p.Value.Size);
        var written = 0;
        foreach (var (path, (obj, size)) in toWrite)
        {
            var target = $"{layout.OutputRoot}/{path}";
            // Moved aside in this run and not made again (its action did not run): nothing to publish it from.
            if (damaged.IsDamaged(obj) && !objects.WrittenHere(obj)) continue;
            // Only bytes this process hashed itself, or has just re-hashed, are published.
            ContentHash? expected = objects.WrittenHere(obj) || damaged.Verified(obj) ? null : obj;
            MaterialisedAs made;
            try
            {
                made = Make(obj, target, expected, left);
            }
            catch (DamagedObjectException)
            {
                damaged.MoveAside(obj);
                continue;
            }
            catch (FileNotFoundException)
            {
                // The object vanished since planning (removed by hand): the next build runs its action again.
                continue;
            }
            if (expected is { } verified) damaged.MarkIntact(verified);
            if (mode == OutputLinkMode.Reflink && made == MaterialisedAs.Copy) CopiedForReflink++;
            left -= size;
            // A link made in tmp/ and moved to an output folder on another file system arrives as a copy.
            var stat = fs.StatWithLinks(target, out var links);
            if (made == MaterialisedAs.Hardlink && links < 2) made = MaterialisedAs.Copy;
            db.PutMaterialised(path, new MaterialisedRecord(obj, size, stat?.Inode ?? 0, stat?.MtimeNs ?? 0, made, Done: stat is not null));
            written++;
        }
        db.SaveNames(objects);
        db.Commit();
        return new OutputReport(written, desired.Count - toWrite.Count, removed, damaged.Found.Count);
    }

    /// <summary>
    /// Status only: how many files a build would make (missing, changed, or all of them in a moved folder), how many it
    /// would remove, and how many recorded files belong to actions that would run (made again or removed, depending on
    /// what those actions make: not counted as either). Uses the same <see cref="OutputState"/> as the build.
    /// </summary>
    public static (int Restore, int Remove, int Pending) Preview(OutputState state, IReadOnlyDictionary<string, (ContentHash Object, long Size)> desired,
        IReadOnlySet<string> pending)
    {
        var restore = desired.Count(p => !state.InPlace(p.Key, p.Value.Object));
        if (state.Foreign) return (restore, 0, 0);
        if (state.Moved) return (restore, state.Records.Count, 0);
        var gone = state.Records.Keys.Where(p => !desired.ContainsKey(p)).ToList();
        var waiting = gone.Count(pending.Contains);
        return (restore, gone.Count - waiting, waiting);
    }

    /// <summary>Deletes recorded files of <paramref name="root"/> and their rows; a file already gone is no error.</summary>
    private int Remove(string root, IEnumerable<string> paths)
    {
        var removed = 0;
        foreach (var path in paths)
        {
            var target = $"{root}/{path}";
            StorageException.Guard(StorageArea.Output, () =>
            {
                fs.DeleteFile(target);
                fs.DeleteEmptyFoldersUpwards(Path.GetDirectoryName(target)!, root);
            });
            db.DeleteMaterialised(path);
            removed++;
        }
        return removed;
    }

    /// <summary>Makes one output file: made in tmp/ (a temp-area failure), then renamed into the output folder (an output-area one).</summary>
    private MaterialisedAs Make(ContentHash obj, string target, ContentHash? expected, long left)
    {
        var temp = $"{layout.Temp}/.out-{TempNames.Next()}";
        try
        {
            var made = StorageException.Guard(StorageArea.Temp, () => fs.CloneFile(objects.PathOf(obj), temp, mode, expected), () => Short(layout.Temp, left));
            StorageException.Guard(StorageArea.Output, () =>
            {
                // Each folder is made (or found) once per build, not asked after for every file; one removed since is
                // made again when the rename finds it missing.
                var folder = Path.GetDirectoryName(target)!;
                if (_folders.Add(folder)) fs.CreateDirectory(folder, privateMode: false);
                try
                {
                    fs.MoveFile(temp, target);
                }
                catch (DirectoryNotFoundException)
                {
                    fs.CreateDirectory(folder, privateMode: false);
                    fs.MoveFile(temp, target);
                }
            }, () => Short(layout.OutputRoot, left));
            return made;
        }
        catch
        {
            fs.DeleteFile(temp);
            throw;
        }
    }

    /// <summary>Bytes still to write beyond what the file system holding <paramref name="folder"/> has free; null when unknown or not short.</summary>
    private static long? Short(string folder, long left) =>
        StorageException.FreeBytes(folder) is { } free && left > free ? left - free : null;
}
