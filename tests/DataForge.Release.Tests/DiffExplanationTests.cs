using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Testing;

namespace DataForge.Release.Tests;

/// <summary>
/// <c>diff</c> says why files changed, read from the files in the store: DICOM attributes by keyword with the policy
/// key behind them, NIfTI voxels, a file whose bytes are gone as not explained; names and counts, never values.
/// </summary>
public sealed class DiffExplanationTests
{
    [SkippableFact]
    public void Keeping_PatientSex_is_named_with_its_file_count_and_policy_key_in_text_and_json()
    {
        using var p = new ReleaseProject(patients: 2);
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        File.AppendAllText(p.Combine("dataforge.yaml"), "  overrides:\n    - {tag: PatientSex, action: keep}\n");
        p.Run("build").AssertExit(0);
        p.Run("release", "v2").AssertExit(0);

        // The instances that now carry a PatientSex, counted by pydicom in the published files; v1 emptied it (Basic Profile Z).
        var python = Oracle.RequirePython("pydicom");
        var published = Directory.GetFiles(p.Combine("out", "dicom"), "*.dcm", SearchOption.AllDirectories);
        var count = Oracle.Run(python, ["-c", "import sys, pydicom; print(sum(1 for f in sys.argv[1:] if pydicom.dcmread(f).get('PatientSex')))", .. published]);
        Assert.True(count.ExitCode == 0, count.StandardError);
        var kept = int.Parse(count.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(kept > 0 && kept == published.Length, $"{kept} of {published.Length} instances carry PatientSex");

        var text = p.Run("diff", "v1", "v2").AssertExit(0).Out;
        Assert.Contains($"DICOM PatientSex: empty -> present ({kept} files; policy: deidentify.overrides[PatientSex])", text);
        Assert.Contains("deidentify.overrides[PatientSex]: (absent) -> {\"action\":\"keep\"}", text);
        Assert.DoesNotContain("not explained", text);

        var json = JsonNode.Parse(p.Run("diff", "v1", "v2", "--json").AssertExit(0).Out)!;
        Assert.Equal(kept, json["attribute_changes"]!["PatientSex"]!.GetValue<int>());
        var change = Assert.Single(json["content_changes"]!.AsArray(), c => c!["kind"]!.GetValue<string>() == "dicom")!;
        Assert.Equal(("PatientSex", "empty -> present", kept), (change["subject"]!.GetValue<string>(), change["change"]!.GetValue<string>(), change["files"]!.GetValue<int>()));
        Assert.Equal(["deidentify.overrides[PatientSex]"], change["policy"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(0, json["files"]!["unexplained"]!.GetValue<int>());
        // Every changed instance changed in PatientSex and in nothing else.
        var instances = json["files"]!["changed"]!.AsArray().Where(c => c!["after"]!.GetValue<string>().EndsWith(".dcm", StringComparison.Ordinal)).ToList();
        Assert.Equal(kept, instances.Count);
        Assert.All(instances, c => Assert.Equal(["PatientSex: empty -> present"], c!["why"]!.AsArray().Select(x => x!.GetValue<string>())));
        AssertNoOriginalIdentifiers(p, text + json.ToJsonString());
    }

    [SkippableTheory]
    [InlineData("dicom", "PixelData: value changed")]
    [InlineData("nifti", "voxel data: changed")]
    public void A_source_whose_pixels_changed_is_explained_as_pixel_or_voxel_data_only(string layout, string expected)
    {
        using var p = new ReleaseProject(patients: 1);
        File.WriteAllText(p.Combine("dataforge.yaml"), File.ReadAllText(p.Combine("dataforge.yaml"))
            .Replace("output:\n  path: out\n", $"output:\n  path: out\n  layout: {layout}\n", StringComparison.Ordinal));
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);

        // One source instance gets other pixel values; its header stays as it was.
        var source = p.Sources()[0];
        var file = DicomReader.ReadFile(source);
        var pixels = file.Dataset.GetElement(DicomTags.PixelData)!;
        var changed = pixels.Span.ToArray();
        for (var i = 0; i < changed.Length; i += 2) changed[i] ^= 0x01;
        file.Dataset.Add(new DicomElement(DicomTags.PixelData, pixels.VR, changed));
        file.Save(source);
        p.Run("build").AssertExit(0);
        p.Run("release", "v2").AssertExit(0);

        var json = JsonNode.Parse(p.Run("diff", "v1", "v2", "--json").AssertExit(0).Out)!;
        var files = json["files"]!["changed"]!.AsArray();
        var image = Assert.Single(files, c => !c!["after"]!.GetValue<string>().EndsWith(".json", StringComparison.Ordinal))!;
        Assert.Equal([expected], image["why"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Empty(json["policy_changes"]!.AsArray());
        Assert.Contains(json["content_changes"]!.AsArray(), c => $"{c!["subject"]}: {c["change"]}" == expected && c["files"]!.GetValue<int>() == 1);
        Assert.Contains(expected, p.Run("diff", "v1", "v2").AssertExit(0).Out);
    }

    [SkippableFact]
    public void A_changed_file_whose_bytes_are_not_in_the_store_is_counted_as_not_explained()
    {
        using var p = new ReleaseProject(patients: 1);
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        File.AppendAllText(p.Combine("dataforge.yaml"), "  overrides:\n    - {tag: PatientSex, action: keep}\n");
        p.Run("build").AssertExit(0);
        p.Run("release", "v2").AssertExit(0);
        var json = JsonNode.Parse(p.Run("diff", "v1", "v2", "--json").AssertExit(0).Out)!;
        var changed = json["files"]!["changed"]!.AsArray().Count;

        // A clone of the repository without the store: every object gone.
        Directory.Delete(p.Combine(".dataforge", "objects"), recursive: true);
        Directory.CreateDirectory(p.Combine(".dataforge", "objects"));
        var without = JsonNode.Parse(p.Run("diff", "v1", "v2", "--json").AssertExit(0).Out)!;
        Assert.Equal(changed, without["files"]!["unexplained"]!.GetValue<int>());
        Assert.Empty(without["content_changes"]!.AsArray());
        Assert.All(without["files"]!["changed"]!.AsArray(), c => Assert.Null(c!["why"]));
        Assert.Contains($"not explained: {changed} files", p.Run("diff", "v1", "v2").AssertExit(0).Out);
    }

    private static void AssertNoOriginalIdentifiers(ReleaseProject p, string output)
    {
        foreach (var ds in p.Sources().Select(f => DicomReader.ReadFile(f).Dataset))
            foreach (var tag in new[] { DicomTags.PatientID, DicomTags.PatientName, DicomTags.PatientBirthDate, DicomTags.SOPInstanceUID })
                if (ds.GetString(tag)?.Trim() is { Length: > 3 } value)
                    Assert.DoesNotContain(value, output, StringComparison.OrdinalIgnoreCase);
    }
}
