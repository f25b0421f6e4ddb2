using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Overlay planes (PS3.3 C.9.2, repeating groups 6000-601E): Table E.1-1 removes Overlay Data and Overlay
/// Comments (X) unless the Clean Graphics option cleans them (C). A bitmap cannot be read for text, so:
/// <list type="bullet">
/// <item>without the option, or with it and no <c>burned_in_regions</c> rule covering the instance, the
/// whole overlay group goes: an Overlay Plane without its Type 1 Overlay Data would leave the instance
/// non-conformant;</item>
/// <item>with the option and a covering rule, the rules' rectangles (image pixels) are set to zero in the
/// overlay bitmap, which is kept; its text (description, label, comments) is scrubbed like free text.</item>
/// </list>
/// An override on Overlay Data (keep, remove…) takes precedence over both. Overlays embedded in the high
/// bits of Pixel Data (retired, PS3.5 8.1.2) are not looked for.
/// </summary>
public static class OverlayCleaner
{
    private static readonly ushort[] TextElements = [0x0022, 0x1500, 0x4000];

    /// <summary>True for Overlay Description, Overlay Label and Overlay Comments of any overlay group.</summary>
    public static bool IsOverlayText(DicomTag tag) => IsOverlayGroup(tag.Group) && TextElements.Contains(tag.Element);

    private static bool IsOverlayGroup(ushort group) => group is >= 0x6000 and <= 0x601E && group % 2 == 0;

    /// <summary>
    /// Applies the policy to the top-level overlay groups before the attribute walk: removes the groups that
    /// cannot be cleaned, blanks the covered rectangles of the others. Reports each removed attribute.
    /// </summary>
    public static void Apply(DicomDataset ds, DeidPolicy policy, Action<DicomTag, string> count)
    {
        var groups = ds.Select(a => a.Tag.Group).Where(IsOverlayGroup).Distinct().ToList();
        foreach (var group in groups)
        {
            var data = new DicomTag(group, DicomTags.OverlayData.Element);
            if (policy.OverrideFor(data) is not null || policy.OverrideFor(DicomTags.OverlayData) is not null) continue;
            if (ds.Get(data) is null) continue;
            var rules = policy.Has(DeidOption.CleanGraphics) ? policy.BurnedInRegions.Matching(ds) : [];
            if (rules.Count > 0 && Blank(ds, group, rules)) continue;
            foreach (var attribute in ds.Where(a => a.Tag.Group == group).ToList())
            {
                ds.Remove(attribute.Tag);
                count(attribute.Tag, "removed");
            }
        }
    }

    /// <summary>
    /// Sets the rectangles (image coordinates, 0-based) to zero in every frame of the overlay's bitmap:
    /// one bit per pixel, row by row, least significant bit first (PS3.5 8.1.2), placed at Overlay Origin
    /// (1-based row, column of the image, PS3.3 C.9.2.1.2). False when the overlay cannot be read.
    /// </summary>
    public static bool Blank(DicomDataset ds, ushort group, IReadOnlyList<PixelCleaner.Rule> rules)
    {
        if (ds.Get(new DicomTag(group, DicomTags.OverlayData.Element)) is not DicomElement element) return false;
        var rows = (int)(ds.GetInteger(new DicomTag(group, DicomTags.OverlayRows.Element)) ?? 0);
        var columns = (int)(ds.GetInteger(new DicomTag(group, DicomTags.OverlayColumns.Element)) ?? 0);
        var frames = (int)(ds.GetInteger(new DicomTag(group, DicomTags.NumberOfFramesInOverlay.Element)) ?? 1);
        var bits = ds.GetInteger(new DicomTag(group, DicomTags.OverlayBitsAllocated.Element)) ?? 1;
        var originTag = new DicomTag(group, DicomTags.OverlayOrigin.Element);
        var originRow = (int)(ds.GetInteger(originTag, 0) ?? 1);
        var originColumn = (int)(ds.GetInteger(originTag, 1) ?? 1);
        if (rows <= 0 || columns <= 0 || frames <= 0 || bits != 1) return false;
        var bitsPerFrame = (long)rows * columns;
        var data = element.Data.ToArray();
        if (data.LongLength * 8 < bitsPerFrame * frames) return false;
        foreach (var rule in rules)
        {
            // Image pixel (x, y) is overlay pixel (x - (origin column - 1), y - (origin row - 1)); clipped to the overlay.
            int x0 = Math.Clamp(rule.X - (originColumn - 1), 0, columns), x1 = Math.Clamp(rule.X + rule.Width - (originColumn - 1), 0, columns);
            int y0 = Math.Clamp(rule.Y - (originRow - 1), 0, rows), y1 = Math.Clamp(rule.Y + rule.Height - (originRow - 1), 0, rows);
            for (long f = 0; f < frames; f++)
                for (var y = y0; y < y1; y++)
                    for (var x = x0; x < x1; x++)
                    {
                        var bit = f * bitsPerFrame + (long)y * columns + x;
                        data[bit >> 3] &= (byte)~(1 << (int)(bit & 7));
                    }
        }
        ds.Add(new DicomElement(element.Tag, element.VR, data));
        return true;
    }
}
