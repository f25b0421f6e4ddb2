namespace DataForge.Release.Card;

/// <summary>
/// A table of counts: a header row and rows of cells. <paramref name="Id"/> names it in the HTML
/// (<c>data-table</c>) so a reader or a test can find it; the first <paramref name="KeyColumns"/> columns are labels,
/// the rest numbers (right-aligned).
/// </summary>
public sealed record CardTable(string Id, string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, int KeyColumns = 1) : CardBlock;
