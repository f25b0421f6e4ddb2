using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;

namespace DataForge.Stages.Dicom;

/// <summary>
/// The metadata member <c>lossy_compression</c> of an output made from lossy-compressed pixels (PS3.3 C.7.6.1.1.5), and
/// how sidecars show it. Present only when at least one instance behind the output was lossy, so outputs of lossless
/// data keep their bytes. Members: <c>instances</c> (how many of the output's instances were lossy), <c>methods</c>
/// (Lossy Image Compression Method terms, sorted), <c>ratios</c> (the ratios given, in instance order, distinct) and
/// <c>transfer_syntaxes</c> (the lossy syntaxes DataForge decoded, sorted).
/// </summary>
public static class LossyFacts
{
    /// <summary>The metadata member's name.</summary>
    public const string Property = "lossy_compression";

    /// <summary>The member for the instances behind one output, or null when none was lossy.</summary>
    public static JsonObject? Of(IEnumerable<DicomFile> instances) => Of(instances.Select(LossyCompression.Of));

    /// <summary>The member for instances' lossy compression facts (null entries were lossless), or null when none was lossy.</summary>
    public static JsonObject? Of(IEnumerable<LossyCompression?> instances)
    {
        var lossy = instances.OfType<LossyCompression>().ToList();
        if (lossy.Count == 0) return null;
        var methods = lossy.SelectMany(l => l.Methods).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var ratios = lossy.SelectMany(l => l.Ratios).Distinct();
        var syntaxes = lossy.Select(l => l.LossySyntax).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return new JsonObject
        {
            ["instances"] = lossy.Count,
            ["methods"] = new JsonArray(methods.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
            ["ratios"] = new JsonArray(ratios.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
            ["transfer_syntaxes"] = new JsonArray(syntaxes.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
        };
    }

    /// <summary>Writes the member into a JSON object being written, when there is one.</summary>
    public static void Write(Utf8JsonWriter json, JsonNode? facts)
    {
        if (facts is null) return;
        json.WritePropertyName(Property);
        facts.WriteTo(json);
    }

    /// <summary>
    /// Adds the facts to a BIDS-style sidecar under the DICOM keywords (dcm2niix writes none for them):
    /// <c>LossyImageCompression</c> "01", <c>LossyImageCompressionMethod</c> and <c>LossyImageCompressionRatio</c>.
    /// </summary>
    public static void AddToSidecar(JsonObject sidecar, JsonNode? facts)
    {
        if (facts is not JsonObject lossy) return;
        sidecar["LossyImageCompression"] = "01";
        sidecar["LossyImageCompressionMethod"] = lossy["methods"]?.DeepClone();
        sidecar["LossyImageCompressionRatio"] = lossy["ratios"]?.DeepClone();
    }
}
