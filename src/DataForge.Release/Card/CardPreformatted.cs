namespace DataForge.Release.Card;

/// <summary>Text shown as it is, line by line (a diff's report).</summary>
public sealed record CardPreformatted(string Text) : CardBlock;
