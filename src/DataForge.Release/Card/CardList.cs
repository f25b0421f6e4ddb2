namespace DataForge.Release.Card;

/// <summary>A bulleted list of plain-text lines.</summary>
public sealed record CardList(IReadOnlyList<string> Lines) : CardBlock;
