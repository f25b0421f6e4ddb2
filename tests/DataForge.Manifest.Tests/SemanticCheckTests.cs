namespace DataForge.Manifest.Tests;

public sealed class SemanticCheckTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Duplicate_source_ids_are_reported_at_the_second()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\n  - id: ct\n    kind: dicom\n    path: raw\n");
        Assert.Equal("dataforge.yaml:7:9: duplicate source id 'ct' (also sources[0]); ids must be unique", Assert.Single(problems));
    }

    [Fact]
    public void A_source_folder_that_does_not_exist_is_reported_at_its_path()
    {
        var problems = _f.Problems(ManifestFixture.Minimal.Replace("path: raw", "path: missing"));
        Assert.Equal("dataforge.yaml:6:11: source folder 'missing' does not exist (paths are relative to the manifest's folder)", Assert.Single(problems));
    }

    [Fact]
    public void Split_ratios_that_do_not_sum_to_one_are_reported()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nsplits:\n  ratios: {train: 0.7, test: 0.2}\n");
        Assert.Contains("dataforge.yaml:8:11: split ratios sum to 0.9, not 1", problems);
    }

    [Fact]
    public void Split_ratios_summing_to_one_pass_the_semantic_check()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nsplits:\n  ratios: {train: 0.7, val: 0.1, test: 0.2}\n");
        Assert.DoesNotContain(problems, p => p.Contains("sum to", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reorientation_code_must_name_each_axis_once()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nharmonise:\n  - reorient: RRS\n");
        Assert.Contains(problems, p => p.StartsWith("dataforge.yaml:8:15: axis code 'RRS' must name each axis once", StringComparison.Ordinal));
    }

    [Fact]
    public void A_harmonise_step_with_two_keys_is_refused()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nharmonise:\n  - reorient: RAS\n    clip: {percentiles: [1, 99]}\n");
        Assert.Contains(problems, p => p.StartsWith("dataforge.yaml:8:5: harmonise[0]: allows at most 1 key", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_label_class_ids_are_reported()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nlabels:\n  classes:\n    - {id: 0, name: background}\n    - {id: 0, name: liver}\n");
        Assert.Contains("dataforge.yaml:10:12: class id 0 is used twice (also labels.classes[0])", problems);
    }

    [Fact]
    public void Stratifying_by_an_unknown_annotation_is_reported()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nsplits:\n  ratios: {train: 1.0}\n  stratify: grade\n");
        Assert.Contains("dataforge.yaml:9:13: 'grade' is not a categorical annotation in labels.annotations", problems);
    }

    [Fact]
    public void The_shared_store_cannot_overlap_a_source_the_output_folder_or_the_private_store()
    {
        Assert.Contains("dataforge.yaml:7:8: the shared store overlaps source 'ct'; give it a folder of its own, outside the project",
            _f.Problems(ManifestFixture.Minimal + "\nstore: raw/objects\n"));
        Assert.Contains("dataforge.yaml:7:8: the shared store overlaps the output folder; give it a folder of its own, outside the project",
            _f.Problems(ManifestFixture.Minimal + "\nstore: out\n"));
        Assert.Contains("dataforge.yaml:7:8: the shared store cannot be or contain the private store .dataforge/; leave store: out to keep objects there",
            _f.Problems(ManifestFixture.Minimal + "\nstore: .dataforge/shared\n"));
        Assert.Empty(_f.Problems(ManifestFixture.Minimal + "\nstore: ../shared-store\n"));
    }

    [Fact]
    public void A_password_in_the_state_url_is_refused_and_one_named_by_env_or_file_is_taken()
    {
        const string Store = "\nstore: ../shared-store";
        Assert.NotEmpty(_f.Problems(ManifestFixture.Minimal + Store + "\nstate: postgres://df:hunter2@db.example/cache\n"));
        Assert.NotEmpty(_f.Problems(ManifestFixture.Minimal + Store + "\nstate: {url: postgres://df@db.example/cache, password: hunter2}\n"));
        Assert.Empty(_f.Problems(ManifestFixture.Minimal + Store + "\nstate: {url: postgres://df@db.example:5433/cache, password: env:PG_PASSWORD}\n"));
        Assert.Empty(_f.Problems(ManifestFixture.Minimal + Store + "\nstate: postgres://df@/cache?host=/run/postgresql\n"));
        Assert.Contains("dataforge.yaml:7:1: state: shares an action cache whose objects live in a shared store: add store: PATH (a folder every machine sharing the cache reads)",
            _f.Problems(ManifestFixture.Minimal + "\nstate: postgres://df@/cache?host=/run/postgresql\n"));
    }

    [Fact]
    public void The_output_folder_cannot_overlap_a_source()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\noutput:\n  path: raw/out\n");
        Assert.Contains("dataforge.yaml:8:9: the output folder overlaps source 'ct'; outputs and sources must be separate folders", problems);
    }

    [Fact]
    public void Harmonise_steps_with_a_layout_that_publishes_no_volumes_are_refused_not_ignored()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nharmonise:\n  - reorient: RAS\n");
        Assert.Contains("dataforge.yaml:8:3: harmonise: steps make volumes, which output.layout dicom does not publish; set output.layout to nifti, nnunet, monai, png or coco, or remove harmonise:", problems);
    }

    [Fact]
    public void An_image_source_is_no_longer_refused()
    {
        Assert.Empty(_f.Problems(ManifestFixture.Minimal.Replace("kind: dicom", "kind: image") + "\n    fields: {subject: $.patient.id, view: /meta/view/@code}\n"));
    }

    [Fact]
    public void A_broken_field_selector_is_reported_at_its_line_and_column()
    {
        var problems = _f.Problems(ManifestFixture.Minimal.Replace("kind: dicom", "kind: image") + "\n    fields:\n      subject: $.patient[x]\n      study: /meta//study\n");
        Assert.Contains("dataforge.yaml:8:16: sources[0].fields.subject: '[x]' at character 10 is neither an index nor a quoted name", problems);
        Assert.Contains(problems, p => p.StartsWith("dataforge.yaml:9:14: sources[0].fields.study: an empty step", StringComparison.Ordinal));
    }

    [Fact]
    public void With_a_metadata_table_a_field_is_a_column_and_the_table_must_exist()
    {
        var problems = _f.Problems(ManifestFixture.Minimal.Replace("kind: dicom", "kind: image") + "\n    metadata: meta.csv\n    fields: {subject: $.id}\n");
        Assert.Contains(problems, p => p.Contains("sources[0].fields.subject: with a metadata table a field is a column name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("sources[0].metadata: no such file in the source folder", StringComparison.Ordinal));
    }

    [Fact]
    public void Fields_and_metadata_belong_to_image_sources_only()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\n    fields: {subject: id}\n");
        Assert.Contains(problems, p => p.EndsWith("'fields' is only for image sources (it says where an image's facts are in its sidecar)", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_output_layout_of_the_schema_is_built()
    {
        foreach (var layout in new[] { "dicom", "nifti", "png", "nnunet", "coco", "monai" })
            Assert.Empty(_f.Problems(ManifestFixture.Minimal + $"\ndeidentify: {{profile: basic}}\noutput:\n  layout: {layout}\n"));
    }

    [Fact]
    public void A_nifti_layout_needs_de_identification()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\noutput:\n  layout: nifti\n");
        Assert.Equal("dataforge.yaml:8:11: output.layout nifti needs a deidentify: section: outputs are made only from de-identified instances", Assert.Single(problems));
    }
}
