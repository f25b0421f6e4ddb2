namespace DataForge.Engine.Indexing;

/// <summary>
/// A source's files as indexed, in walk order, made on first use of <see cref="List"/>: a no-op build (the
/// fingerprint's shortcut) needs the index's counts only, and at 100,000 files the list's objects were about
/// 10 MB made and thrown away. Once made, the list is kept and the index's arrays it was made from are let go.
/// </summary>
internal sealed class IndexedFiles(int count, Func<List<SourceFile>> make)
{
    /// <summary>How many files <see cref="List"/> holds, known without making it.</summary>
    public int Count => count;

    private Func<List<SourceFile>>? _make = make;
    private List<SourceFile>? _list;

    /// <summary>The files (the same list on every call; the build sorts it in place when it plans).</summary>
    public List<SourceFile> List
    {
        get
        {
            if (_list is null)
            {
                _list = _make!();
                _make = null;
            }
            return _list;
        }
    }

    /// <summary>True once <see cref="List"/> was made (tests: a no-op build makes none).</summary>
    public bool Made => _list is not null;
}
