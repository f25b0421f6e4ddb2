namespace DataForge.Engine.Planning;

/// <summary>
/// The items a stage reads. Either the whole list, or, for a stage that plans only its changed inputs (see
/// <c>StageRun.PlansOnlyChanged</c>), their count and the changed ones, with the whole list made only if the
/// stage turns out to need it: a build in which one source file of 100,000 changed then makes one item, not
/// 100,000 sorted ones.
/// </summary>
internal sealed class StageInputs
{
    private IReadOnlyList<Item>? _all;
    private readonly Func<IReadOnlyList<Item>>? _makeAll;
    private IReadOnlyList<Item>? _changed;

    /// <summary>All the items, in path order.</summary>
    public StageInputs(IReadOnlyList<Item> all)
    {
        _all = all;
        Count = all.Count;
    }

    /// <summary>The count of all items, the changed ones (not <see cref="Item.Unchanged"/>, or pending) in path order, and how to make them all.</summary>
    public StageInputs(int count, IReadOnlyList<Item> changed, Func<IReadOnlyList<Item>> all)
    {
        Count = count;
        _changed = changed;
        _makeAll = all;
    }

    public int Count { get; }

    /// <summary>Every item, in path order (made on first use).</summary>
    public IReadOnlyList<Item> All => _all ??= _makeAll!();

    /// <summary>The items that are not the last build's (changed, new or pending), in path order.</summary>
    public IReadOnlyList<Item> Changed => _changed ??= All.Where(i => !i.Unchanged || i.Pending).ToList();

    /// <summary>True once the whole list was made (tests check that a one-change build does not).</summary>
    public bool MadeAll => _all is not null;
}
