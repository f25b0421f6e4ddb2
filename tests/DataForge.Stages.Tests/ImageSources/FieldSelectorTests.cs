using System.Text;
using DataForge.Manifest.Model;
using DataForge.Stages.ImageSources;

namespace DataForge.Stages.Tests.ImageSources;

public sealed class FieldSelectorTests
{
    private static ImageSidecar Json(string text) => ImageSidecar.Parse(Encoding.UTF8.GetBytes(text), xml: false);

    private static ImageSidecar Xml(string text) => ImageSidecar.Parse(Encoding.UTF8.GetBytes(text), xml: true);

    [Fact]
    public void A_JSON_path_walks_names_quoted_names_and_indexes()
    {
        var sidecar = Json("""{"patient": {"id": "P-1", "the name": "x"}, "spacing": [0.5, 0.25], "n": 3}""");
        Assert.Equal(["P-1"], sidecar.Select(FieldSelector.Parse("$.patient.id")));
        Assert.Equal(["x"], sidecar.Select(FieldSelector.Parse("$.patient['the name']")));
        Assert.Equal(["0.25"], sidecar.Select(FieldSelector.Parse("$.spacing[1]")));
        Assert.Equal(["0.5", "0.25"], sidecar.Select(FieldSelector.Parse("$.spacing")));
        Assert.Equal(["3"], sidecar.Select(FieldSelector.Parse("n")));
        Assert.Empty(sidecar.Select(FieldSelector.Parse("$.patient.missing")));
    }

    [Fact]
    public void An_XML_path_walks_elements_from_the_root_with_indexes_and_a_final_attribute_ignoring_namespaces()
    {
        var sidecar = Xml("""<m:meta xmlns:m="urn:x"><m:patient id="P-2"><m:name>Roe</m:name></m:patient><view>PA</view><view>LL</view></m:meta>""");
        Assert.Equal(["P-2"], sidecar.Select(FieldSelector.Parse("/meta/patient/@id")));
        Assert.Equal(["Roe"], sidecar.Select(FieldSelector.Parse("/meta/patient/name")));
        Assert.Equal(["LL"], sidecar.Select(FieldSelector.Parse("/meta/view[2]")));
        Assert.Equal(["PA"], sidecar.Select(FieldSelector.Parse("view")));
        Assert.Empty(sidecar.Select(FieldSelector.Parse("/other/view")));
    }

    [Theory]
    [InlineData("$.a[", "not closed")]
    [InlineData("$", "name a key")]
    [InlineData("$a", "expected '.' or '['")]
    [InlineData("/a//b", "an empty step")]
    [InlineData("/a/@b/c", "must be the last step")]
    [InlineData("/a[0]", "from 1")]
    [InlineData("a/b", "start with $ for a JSON path or / for an XML path")]
    public void A_broken_selector_says_what_is_wrong(string text, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => FieldSelector.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_sidecar_that_does_not_parse_names_the_line_never_its_text()
    {
        var e = Assert.Throws<FormatException>(() => Json("{\n \"PatientName\": \"Doe^Secret\",\n oops }"));
        Assert.Contains("line 3", e.Message);
        Assert.DoesNotContain("Secret", e.Message);
        var x = Assert.Throws<FormatException>(() => Xml("<a><b>Doe^Secret</a>"));
        Assert.DoesNotContain("Secret", x.Message);
    }

    [Fact]
    public void An_XML_sidecar_with_a_DTD_is_refused_rather_than_expanded()
    {
        Assert.Throws<FormatException>(() => Xml("""<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>"""));
    }
}
