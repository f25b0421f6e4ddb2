namespace DataForge.Release.Card;

/// <summary>A row of pictures (thumbnails), embedded in the HTML card as data URIs; the Markdown card says where they are.</summary>
public sealed record CardImages(string Id, string Caption, IReadOnlyList<CardImage> Images) : CardBlock;
