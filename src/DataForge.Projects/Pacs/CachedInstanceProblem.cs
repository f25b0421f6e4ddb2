namespace DataForge.Projects.Pacs;

/// <summary>
/// A cached instance that <c>fsck</c> found damaged or missing, named without an identifier: by the SHA-256 it is
/// named and pinned by, the reference the build gives it as an item (<c>#</c> and 12 hex digits of its label
/// <c>SOURCE:ab/abcd….dcm</c>), and a reference of its series (<c>#</c> and 12 hex digits of a hash of
/// <c>SOURCE:series:</c> and the smallest SHA-256 among the series' pinned instances, or its fetched ones for a series
/// not pinned), so every entry of one series shows the same reference and no UID goes into it (a hash of a UID would
/// let anyone holding a candidate UID confirm it); null when the private lists do not name its series.
/// </summary>
/// <param name="Sha256">The content hash the instance is named and pinned by.</param>
/// <param name="Item">The build's item reference of the instance.</param>
/// <param name="Series">The reference of its series, or null.</param>
/// <param name="Pinned">Whether the last pull pinned it (the next build reads it).</param>
public sealed record CachedInstanceProblem(string Sha256, string Item, string? Series, bool Pinned);
