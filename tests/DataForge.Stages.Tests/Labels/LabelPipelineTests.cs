namespace DataForge.Stages.Tests.Labels;

/// <summary>Which label stages a manifest gets, and which of them publish (no build: the pipeline only).</summary>
public sealed class LabelPipelineTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 1);

    public void Dispose() => _p.Dispose();

    private Dictionary<string, bool> Stages(string layout, string steps)
    {
        Directory.CreateDirectory(_p.Combine("masks"));
        Directory.CreateDirectory(_p.Combine("other"));
        File.WriteAllText(_p.Combine("dataforge.yaml"), $$"""
            version: 1
            name: wiring
            sources:
              - {id: ct, kind: dicom, path: raw}
              - {id: seg, kind: labels, path: masks, format: nifti-mask, key: SeriesInstanceUID}
              - {id: seg2, kind: labels, path: other, format: nifti-mask, key: SeriesInstanceUID}
            deidentify: {profile: basic}
            labels:
              classes: [{id: 0, name: background}, {id: 2, name: body}]
              annotations:
                - {name: body, kind: mask, source: seg}
                - {name: other, kind: mask, source: seg2}
            harmonise:
            {{steps}}
            output: {layout: {{layout}}}
            """);
        var loaded = ManifestModules.Loader().Load(_p.Combine("dataforge.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        return PipelineFactory.Create(loaded.Manifest!, LabelProject.Secret).Stages.ToDictionary(s => s.Definition.Id, s => s.Definition.Publish);
    }

    [Fact]
    public void With_a_training_layout_every_mask_annotation_follows_the_geometric_steps_and_no_labels_stage_publishes_masks()
    {
        var stages = Stages("nnunet", "  - reorient: LPS\n  - normalise: {method: zscore}");
        // The layout merges every mask annotation into its label maps: each is carried to the final grid.
        Assert.True(stages.ContainsKey("labels.body.harmonise-1-reorient"));
        Assert.True(stages.ContainsKey("labels.other.harmonise-1-reorient"));
        // The masks reach labelsTr only; the label files and reports are published by their own stage.
        Assert.False(stages["labels.body"]);
        Assert.False(stages["labels.other"]);
        Assert.False(stages["labels.body.harmonise-1-reorient"]);
        Assert.False(stages["labels.other.harmonise-1-reorient"]);
        Assert.True(stages["labels.body.files"]);
        Assert.True(stages["labels.other.files"]);
    }

    [Fact]
    public void Intensity_steps_alone_build_no_mask_stages()
    {
        var stages = Stages("monai", "  - normalise: {method: zscore}");
        Assert.DoesNotContain(stages.Keys, id => id is "labels.body.masks" or "labels.other.masks");
    }

    [Fact]
    public void A_normalise_over_a_mask_reads_that_annotations_masks_only()
    {
        var stages = Stages("nnunet", "  - normalise: {method: zscore, mask: other}");
        Assert.True(stages.ContainsKey("labels.other.masks"));
        Assert.False(stages.ContainsKey("labels.body.masks"));
    }

    [Fact]
    public void With_layout_nifti_every_mask_annotation_is_published_on_the_acquired_and_the_final_grid()
    {
        var stages = Stages("nifti", "  - reorient: LPS");
        Assert.True(stages["labels.body"]);
        Assert.True(stages["labels.other"]);
        Assert.True(stages["labels.body.harmonise-1-reorient"]);
        Assert.True(stages["labels.other.harmonise-1-reorient"]);
        Assert.False(stages.ContainsKey("labels.body.files"));
    }
}
