namespace DataForge.Release.Card;

/// <summary>One picture of a card: PNG bytes and their size in pixels, with a caption that names no identifier.</summary>
public sealed record CardImage(string Caption, byte[] Png, int Width, int Height);
