using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Layouts;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Layouts;

public sealed class NnUnetLayoutTests
{
    private sealed class BytesItem(byte[] bytes) : StageItem
    {
        public override ContentHash Hash { get; } = ContentHash.Of(bytes);
        public override long Size => bytes.Length;
        public override string? Path => null;
        public override JsonElement Metadata { get; } = JsonDocument.Parse("{}").RootElement.Clone();
        public override Stream OpenRead() => new MemoryStream(bytes, writable: false);
        public override byte[] ReadAllBytes() => bytes.ToArray();
    }

    private static StageItem Nifti(int[] shape, Array data, Affine affine) =>
        new BytesItem(NiftiWriter.Encode(new Volume(shape, data, affine), gzip: true));

    private static TrainingCase Case(string id, string modality, StageItem image, StageItem? mask) =>
        new(id, id, "2.25.1", modality, "train", null, image) { Masks = mask is null ? [] : [new CaseMask("m", mask)] };

    private static IReadOnlyList<StageOutput> Write(IReadOnlyList<TrainingCase> cases, IReadOnlyList<(int Id, string Name)> classes) =>
        NnUnetLayout.Write(cases, classes, true, new LayoutReport("nnunet", ["m"]), default);

    private static readonly Affine Grid = Affine.Diagonal(-1, -1, 2);

    [Fact]
    public void Training_cases_of_two_modalities_are_refused_since_a_channel_has_one()
    {
        var image = Nifti([2, 2, 2], new short[8], Grid);
        var mask = Nifti([2, 2, 2], new byte[8], Grid);
        var e = Assert.Throws<LayoutException>(() => Write([Case("A_000", "CT", image, mask), Case("B_000", "MR", image, mask)], []));
        Assert.Contains("one modality per channel, the training cases mix CT, MR", e.Message);
    }

    [Fact]
    public void A_label_value_that_is_no_declared_class_is_refused()
    {
        var image = Nifti([2, 2, 2], new short[8], Grid);
        var mask = Nifti([2, 2, 2], new byte[] { 0, 1, 3, 0, 0, 0, 0, 0 }, Grid);
        var e = Assert.Throws<LayoutException>(() => Write([Case("A_000", "CT", image, mask)], [(0, "background"), (1, "organ")]));
        Assert.Contains("label value 3 is not a declared class id", e.Message);
    }

    [Fact]
    public void An_image_and_label_on_different_grids_are_refused()
    {
        var image = Nifti([2, 2, 2], new short[8], Grid);
        var mask = Nifti([2, 2, 2], new byte[8], Affine.Diagonal(-1, -1, 2.5));
        var e = Assert.Throws<LayoutException>(() => Write([Case("A_000", "CT", image, mask)], []));
        Assert.Contains("image and label affines differ", e.Message);
    }

    [Fact]
    public void Class_ids_with_gaps_are_renumbered_consecutively_in_dataset_json_and_the_labels()
    {
        var image = Nifti([2, 2, 2], new short[8], Grid);
        var mask = Nifti([2, 2, 2], new byte[] { 0, 5, 9, 0, 5, 0, 0, 9 }, Grid);
        var outputs = Write([Case("A_000", "CT", image, mask)], [(0, "background"), (5, "liver"), (9, "tumour")]);
        var dataset = JsonDocument.Parse(outputs.Single(o => o.Path == "dataset.json").Content).RootElement;
        Assert.Equal("""{"background":0,"liver":1,"tumour":2}""", dataset.GetProperty("labels").GetRawText().Replace(" ", "").Replace("\n", ""));
        Assert.Equal(1, dataset.GetProperty("numTraining").GetInt32());
        var label = NiftiReader.Read(new MemoryStream(outputs.Single(o => o.Path == "labelsTr/A_000.nii.gz").Content.ToArray()), "label");
        Assert.Equal([0f, 1, 2, 0, 1, 0, 0, 2], label.ToSingles());
    }

    [SkippableFact]
    public void Dataset_json_names_id_0_background_and_puts_the_ignore_class_last_as_nnunet_v2_requires()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        // The schema calls id 0 "bg" and declares an "ignore" class below "liver"; the mask holds liver above 50, ignore above 150.
        var image = Nifti([2, 2, 2], new short[] { 0, 100, 200, 0, 100, 0, 0, 200 }, Grid);
        var mask = Nifti([2, 2, 2], new byte[] { 0, 3, 1, 0, 3, 0, 0, 1 }, Grid);
        var outputs = Write([Case("A_000", "CT", image, mask)], [(0, "bg"), (1, "ignore"), (3, "liver")]);

        using var dir = new TempDirectory("dataforge-nnunet-labels");
        foreach (var o in outputs)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dir.Combine(o.Path))!);
            File.WriteAllBytes(dir.Combine(o.Path), o.Content.ToArray());
        }
        File.WriteAllText(dir.Combine("spec.json"), """{"A_000": [[50, "liver"], [150, "ignore"]]}""");
        // nnU-Net's rules (background 0, consecutive, ignore highest) and the label painted with dataset.json's ids.
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_nnunet.py"), dir.Path, dir.Combine("spec.json")]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        var labels = JsonDocument.Parse(run.StandardOutput).RootElement.GetProperty("labels");
        Assert.Equal(["background", "liver", "ignore"], labels.EnumerateObject().OrderBy(p => p.Value.GetInt32()).Select(p => p.Name));
    }

    [Fact]
    public void A_class_other_than_id_0_named_background_is_refused()
    {
        var image = Nifti([2, 2, 2], new short[8], Grid);
        var mask = Nifti([2, 2, 2], new byte[8], Grid);
        var e = Assert.Throws<LayoutException>(() => Write([Case("A_000", "CT", image, mask)], [(0, "none"), (4, "background")]));
        Assert.Contains("class id 4 is named 'background'", e.Message);
    }
}
