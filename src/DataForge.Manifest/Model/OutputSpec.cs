namespace DataForge.Manifest.Model;

/// <summary>The <c>output:</c> section.</summary>
public sealed record OutputSpec
{
    /// <summary>Output folder relative to the manifest's folder.</summary>
    public string Path { get; init; } = "out";
    public string Layout { get; init; } = "dicom";
    public bool Compress { get; init; } = true;

    /// <summary>
    /// How output files are made from the store (<c>auto | reflink | hardlink | copy</c>): auto clones (reflink) where
    /// the file system can and copies elsewhere; hardlink shares the store's bytes read-only.
    /// </summary>
    public string Link { get; init; } = "auto";

    /// <summary>The <c>png:</c> settings of the 2D layouts (png, coco), as JSON; the PNG stage binds it.</summary>
    public System.Text.Json.Nodes.JsonObject? Png { get; init; }
}
