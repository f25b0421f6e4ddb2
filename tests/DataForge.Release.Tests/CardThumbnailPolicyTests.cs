using System.Text.Json.Nodes;
using DataForge.Release.Card;

namespace DataForge.Release.Tests;

/// <summary>Thumbnails never copy a photograph, capture or scan into the card, which is committed to Git.</summary>
public sealed class CardThumbnailPolicyTests
{
    private static ReleaseFile Instance(string series, string modality, string sopClass) => new()
    {
        Path = $"dicom/ANON-1/1.2.3/{series}/1.dcm", Size = 10, Sha256 = new string('a', 64), Kind = OutputKinds.DicomInstance,
        Provenance = new Provenance("deidentify", new string('b', 64), []),
        Item = new JsonObject { ["patient"] = "ANON-1", ["series"] = series, ["modality"] = modality, ["header"] = new JsonObject { ["sop_class_uid"] = sopClass } },
    };

    [Theory]
    [InlineData("XC", "1.2.840.10008.5.1.4.1.1.77.1.4")]   // VL Photographic Image
    [InlineData("OT", "1.2.840.10008.5.1.4.1.1.7")]        // Secondary Capture: a scanned form, an image source's PNG
    [InlineData("ES", "1.2.840.10008.5.1.4.1.1.77.1.1")]   // VL Endoscopic Image
    public void A_photograph_capture_or_scan_is_never_read_nor_drawn(string modality, string sopClass)
    {
        var read = 0;
        var m = new ReleaseManifest
        {
            Dataset = "d", Version = "v1", ToolVersion = "0.1.0", ManifestSha256 = new string('c', 64), Policy = [], Sources = [],
            Files = [Instance("2.25.1", modality, sopClass)],
        };
        var section = CardThumbnails.Section(m, 3, _ => { read++; return null; })!;
        Assert.Equal(0, read);
        Assert.DoesNotContain(section.Blocks, b => b is CardImages);
        Assert.Contains(section.Blocks.OfType<CardParagraph>(), p => p.Text.Contains("1 series of photographs, captures or scans are not shown", StringComparison.Ordinal));
    }
}
