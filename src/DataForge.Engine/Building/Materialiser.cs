using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// Makes the output folder hold exactly the published outputs of the current build: each file a
/// hard link to (or copy of) its store object, written through a temporary name and a rename; files
/// a previous build put there that no longer belong are removed, with folders left empty. Files the
/// engine never wrote are left alone. A file is recorded (not done) before it is written, so a
/// build killed half-way leaves no file the next build does not know about.
/// </summary>
internal sealed class Materialiser(IFileSystem fs, StateDatabase db, ObjectStore objects, StoreLayout layout)
{
    /// <summary>Brings the folder in line with <paramref name="desired"/> (output-relative path -> object and size).</summary>
    public OutputReport Apply(IReadOnlyDictionary<string, (ContentHash Object, long Size)> desired)
    {
        var current = db.LoadMaterialised();
        var toWrite = desired.Where(p => !IsInPlace(current, p.Key, p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        foreach (var (path, _) in toWrite) db.Names.Add(path);
        db.SaveNames(objects);
        foreach (var (path, (obj, size)) in toWrite) db.PutMaterialised(path, new MaterialisedRecord(obj, size, 0, Done: false));
        db.Commit();
        foreach (var (path, (obj, size)) in toWrite)
        {
            var target = $"{layout.OutputRoot}/{path}";
            fs.CreateDirectory(Path.GetDirectoryName(target)!, privateMode: false);
            fs.LinkOrCopy(objects.PathOf(obj), target, layout.Temp);
            // A hard link shares its object's inode and counts at least two links: the no-op check (BuildRun) relies on it.
            var linked = fs.StatWithLinks(target, out var links) is { Inode: not 0 } stat && links >= 2 ? stat.Inode : 0;
            db.PutMaterialised(path, new MaterialisedRecord(obj, size, linked, Done: true));
        }
        var removed = 0;
        foreach (var path in current.Keys.Where(p => !desired.ContainsKey(p)).Order(StringComparer.Ordinal))
        {
            var target = $"{layout.OutputRoot}/{path}";
            fs.DeleteFile(target);
            fs.DeleteEmptyFoldersUpwards(Path.GetDirectoryName(target)!, layout.OutputRoot);
            db.DeleteMaterialised(path);
            removed++;
        }
        db.SaveNames(objects);
        db.Commit();
        return new OutputReport(toWrite.Count, desired.Count - toWrite.Count, removed);
    }

    /// <summary>Status only: how many files would be restored and how many removed.</summary>
    public (int Restore, int Remove) Preview(IReadOnlyDictionary<string, (ContentHash Object, long Size)> desired)
    {
        var current = db.LoadMaterialised();
        return (desired.Count(p => !IsInPlace(current, p.Key, p.Value)), current.Keys.Count(p => !desired.ContainsKey(p)));
    }

    private bool IsInPlace(Dictionary<string, MaterialisedRecord> current, string path, (ContentHash Object, long Size) want) =>
        current.TryGetValue(path, out var had) && had.Done && had.Object == want.Object
        && fs.Stat($"{layout.OutputRoot}/{path}") is { } stat && stat.Size == want.Size;
}
