namespace DataForge.Release.Card;

/// <summary>
/// The same block of two cards side by side (<c>dataforge diff --html</c>): a plot or table of release A beside the
/// one of release B, either absent when that release has none. <paramref name="Id"/> names it (<c>data-pair</c>).
/// </summary>
public sealed record CardPair(string Id, string LeftName, CardBlock? Left, string RightName, CardBlock? Right) : CardBlock;
