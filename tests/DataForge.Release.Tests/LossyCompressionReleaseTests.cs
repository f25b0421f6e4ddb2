using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Testing;
using NJsonSchema;

namespace DataForge.Release.Tests;

/// <summary>
/// A series dcmcjpeg compressed lossily (JPEG Extended, .51) is marked as lossy wherever its pixels end up: the
/// volume's BIDS sidecar, the PNG sidecars, and the release manifest's item facts (which the schema accepts); the
/// lossless series beside it is marked nowhere.
/// </summary>
public sealed class LossyCompressionReleaseTests
{
    [SkippableTheory]
    [InlineData("nifti", false)]
    [InlineData("png", false)]
    [InlineData("dicom", false)]
    [InlineData("nifti", true)]
    [InlineData("png", true)]
    public async Task Outputs_of_a_lossy_series_say_so_in_their_sidecars_and_in_the_release_manifest(string layout, bool harmonised)
    {
        var dcmcjpeg = Oracle.Require("dcmcjpeg");
        using var p = new ReleaseProject(patients: 1);
        var lossy = new HashSet<string>(StringComparer.Ordinal);
        var lossySlices = 0;
        foreach (var source in p.Sources())
        {
            var file = DicomReader.ReadFile(source);
            if (file.Dataset.GetString(DicomTags.Modality)?.Trim() != "MR") continue;
            // 12-bit MR: JPEG Extended (Process 4), DCT, lossy; dcmcjpeg sets Lossy Image Compression and its ratio and method.
            Assert.Equal(0, Oracle.Run(dcmcjpeg, ["+ee", source, source + ".jpg"]).ExitCode);
            File.Move(source + ".jpg", source, overwrite: true);
            Assert.Equal(DicomTransferSyntax.JPEGExtended12Bit, DicomReader.ReadFile(source).TransferSyntax);
            lossy.Add(file.Dataset.GetString(DicomTags.SeriesInstanceUID)!.Trim());
            lossySlices++;
        }
        Assert.Single(lossy);
        var extra = layout == "png" ? ", png: {slices: true, bit_depth: 8, window: {min: -2, max: 2}}" : "";
        // Harmonised volumes and their PNGs carry the facts through the steps.
        var steps = harmonised ? """harmonise: [{"normalise": {"method": "zscore"}}]""" : "";
        File.WriteAllText(p.Combine("dataforge.yaml"), $$"""
            version: 1
            name: lossy-marking
            sources:
              - {id: raw, kind: dicom, path: raw}
            deidentify: {profile: basic}
            {{steps}}
            output: {layout: {{layout}}{{extra}}}
            """);
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var shown = p.Git("show", "v1:releases/v1/manifest.json");
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "release-manifest.schema.json"));
        Assert.Empty(schema.Validate(shown));

        var images = JsonDocument.Parse(shown).RootElement.GetProperty("files").EnumerateArray()
            .Where(f => f.GetProperty("path").GetString()! is var path && (path.EndsWith(".nii.gz", StringComparison.Ordinal)
                || path.EndsWith(".png", StringComparison.Ordinal) || path.EndsWith(".dcm", StringComparison.Ordinal)))
            .ToList();
        Assert.NotEmpty(images);
        var marked = 0;
        foreach (var image in images)
        {
            var item = image.GetProperty("item");
            var modality = item.GetProperty("modality").GetString();
            if (modality == "MR")
            {
                var facts = item.GetProperty("lossy_compression");
                Assert.Equal(["ISO_10918_1"], facts.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
                Assert.Equal([DicomTransferSyntax.JPEGExtended12Bit.Uid], facts.GetProperty("transfer_syntaxes").EnumerateArray().Select(m => m.GetString()));
                // The ratios dcmcjpeg wrote, one per slice whose ratio differs.
                var ratios = facts.GetProperty("ratios").EnumerateArray().Select(r => r.GetDouble()).ToList();
                Assert.NotEmpty(ratios);
                Assert.All(ratios, r => Assert.True(r > 0.5));
                marked++;
            }
            else Assert.False(item.TryGetProperty("lossy_compression", out _), $"{image.GetProperty("path")} is marked lossy");
        }
        Assert.True(marked > 0);

        var sidecars = Directory.GetFiles(p.Combine("out"), "*.json", SearchOption.AllDirectories)
            .Where(f => f.Contains(Path.DirectorySeparatorChar + "nifti" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || f.Contains(Path.DirectorySeparatorChar + "png" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToList();
        if (layout == "dicom") return;
        Assert.NotEmpty(sidecars);
        foreach (var sidecar in sidecars)
        {
            var json = JsonNode.Parse(File.ReadAllText(sidecar))!.AsObject();
            var isMr = layout == "nifti" ? json["Modality"]?.GetValue<string>() == "MR" : json["modality"]?.GetValue<string>() == "MR";
            if (layout == "nifti")
            {
                Assert.Equal(isMr ? "01" : null, json["LossyImageCompression"]?.GetValue<string>());
                if (isMr) Assert.Equal("ISO_10918_1", json["LossyImageCompressionMethod"]![0]!.GetValue<string>());
            }
            else
            {
                Assert.Equal(isMr, json.ContainsKey("lossy_compression"));
                // An instance's PNG stands for one instance; a harmonised volume's slice PNG for the volume's.
                if (isMr) Assert.Equal(harmonised ? lossySlices : 1, json["lossy_compression"]!["instances"]!.GetValue<int>());
            }
        }
    }
}
