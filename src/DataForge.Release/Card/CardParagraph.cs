namespace DataForge.Release.Card;

/// <summary>A paragraph of plain text (escaped by the writers).</summary>
public sealed record CardParagraph(string Text) : CardBlock;
