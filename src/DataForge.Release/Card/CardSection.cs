namespace DataForge.Release.Card;

/// <summary>A titled part of the card.</summary>
public sealed record CardSection(string Id, string Title, IReadOnlyList<CardBlock> Blocks);
