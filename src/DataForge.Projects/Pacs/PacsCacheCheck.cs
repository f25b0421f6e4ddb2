namespace DataForge.Projects.Pacs;

/// <summary>
/// What <c>fsck</c> found in one DICOMweb source's cache: every cached instance re-hashed, those whose bytes no
/// longer hash to their name (moved to <c>.dataforge/pacs/SOURCE/damaged/</c>), and the pinned instances that are not
/// in the cache at all. Either kind is fetched again by the next <c>dataforge pull</c> (or build).
/// </summary>
/// <param name="Source">The source's id.</param>
/// <param name="Checked">Cached instances re-hashed.</param>
/// <param name="Bytes">Their bytes.</param>
/// <param name="Damaged">Instances whose bytes did not hash to their name, sorted by hash.</param>
/// <param name="Missing">Pinned instances with no cached file (damaged ones not counted), sorted by hash.</param>
public sealed record PacsCacheCheck(string Source, int Checked, long Bytes, IReadOnlyList<CachedInstanceProblem> Damaged, IReadOnlyList<CachedInstanceProblem> Missing)
{
    /// <summary>True when nothing was damaged or missing.</summary>
    public bool Intact => Damaged.Count == 0 && Missing.Count == 0;
}
