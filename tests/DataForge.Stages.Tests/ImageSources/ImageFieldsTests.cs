using System.Text;
using DataForge.Manifest.Model;
using DataForge.Stages.ImageSources;

namespace DataForge.Stages.Tests.ImageSources;

public sealed class ImageFieldsTests
{
    private static SourceSpec Source(Dictionary<string, string>? fields, string? subject = null) =>
        new() { Id = "img", Kind = "image", Path = "x", Fields = fields, Subject = subject };

    private static ImageSidecar Json(string text) => ImageSidecar.Parse(Encoding.UTF8.GetBytes(text), xml: false);

    [Fact]
    public void Facts_come_from_the_sidecar_in_DICOM_codes()
    {
        var source = Source(new() { ["subject"] = "$.id", ["laterality"] = "$.side", ["view"] = "$.view", ["pixel_spacing"] = "$.mm", ["modality"] = "$.mod" });
        var facts = ImageFields.Of(source).Read(Json("""{"id": "P-7", "side": "left", "view": "mlo", "mm": 0.07, "mod": "mg"}"""), "a/b.png", SubjectPattern.For(source), null, out var problem);
        Assert.Null(problem);
        Assert.Equal("P-7", facts!.Subject);
        Assert.Equal("L", facts.Laterality);
        Assert.Equal("MLO", facts.View);
        Assert.Equal("MG", facts.Modality);
        Assert.Equal([0.07, 0.07], facts.PixelSpacing!);
    }

    [Fact]
    public void Without_a_subject_field_the_path_gives_the_subject_and_the_source_the_modality()
    {
        var source = Source(null, subject: "^(?<subject>[^/]+)/");
        var facts = ImageFields.Of(source).Read(null, "PX-1/img.png", SubjectPattern.For(source), "XC", out _);
        Assert.Equal("PX-1", facts!.Subject);
        Assert.Equal("XC", facts.Modality);
        Assert.Null(ImageFields.Of(source).Read(null, "img.png", SubjectPattern.For(source), null, out var problem));
        Assert.Contains("does not match the source's subject expression", problem);
    }

    [Theory]
    [InlineData("""{"id": "P", "side": "up"}""", "laterality")]
    [InlineData("""{"id": "P", "mm": "0,x"}""", "pixel spacing")]
    [InlineData("""{"id": "P", "mod": "X-ray"}""", "modality")]
    [InlineData("""{"other": "P"}""", "fields.subject")]
    public void A_fact_that_is_not_usable_fails_the_image_without_its_value(string sidecar, string expected)
    {
        var source = Source(new() { ["subject"] = "$.id", ["laterality"] = "$.side", ["pixel_spacing"] = "$.mm", ["modality"] = "$.mod" });
        Assert.Null(ImageFields.Of(source).Read(Json(sidecar), "a.png", SubjectPattern.For(source), null, out var problem));
        Assert.Contains(expected, problem);
        Assert.DoesNotContain("X-ray", problem);
    }

    [Fact]
    public void Values_the_facts_keep_are_not_looked_for_by_the_leak_gate()
    {
        var source = Source(new() { ["subject"] = "$.id", ["laterality"] = "$.side" });
        var sidecar = Json("""{"id": "P-7", "side": "right", "note": "right", "name": "Planted Person"}""");
        var identifiers = new ImageIdentifiers(ImageFields.Of(source).KeptValues(sidecar));
        foreach (var value in new[] { "right", "Planted Person" }) identifiers.AddValue(value);
        Assert.Equal(["Planted Person"], identifiers.ToList());
    }
}
