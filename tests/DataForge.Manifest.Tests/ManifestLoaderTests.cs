using DataForge.Manifest;

namespace DataForge.Manifest.Tests;

public sealed class ManifestLoaderTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void A_minimal_manifest_loads_with_defaults()
    {
        var result = _f.Load(ManifestFixture.Minimal);
        Assert.Empty(result.Problems);
        var m = result.Manifest!;
        Assert.Equal("demo", m.Name);
        Assert.Equal("ct", Assert.Single(m.Sources).Id);
        Assert.Equal("out", m.Output.Path);
        Assert.Equal(Path.Combine(_f.Root, "raw"), m.Resolve("raw"));
    }

    [Fact]
    public void The_repository_example_manifest_is_valid()
    {
        var path = Path.Combine(DataForge.Testing.TestData.RepositoryRoot, "dataforge.yaml");
        var result = ManifestLoader.Create().Load(path);
        Assert.Empty(result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_syntax_error_is_reported_at_its_line_and_column()
    {
        var problems = _f.Problems("version: 1\nname: [demo\nsources: []\n");
        var p = Assert.Single(problems);
        Assert.Equal("dataforge.yaml:2:7: YAML syntax error after this point: a '[', '{' or quote is probably not closed", p);
    }

    [Fact]
    public void A_syntax_error_reported_by_the_parser_keeps_its_position()
    {
        var problems = _f.Problems("version: 1\nname: demo\n  sources: x\n");
        var p = Assert.Single(problems);
        Assert.StartsWith("dataforge.yaml:3:", p);
        Assert.Contains("YAML syntax error: ", p);
        Assert.DoesNotContain("Line:", p);
    }

    [Fact]
    public void A_tab_in_indentation_is_reported_where_it_is()
    {
        var problems = _f.Problems("version: 1\nname: demo\nsources:\n\t- id: ct\n");
        Assert.Equal("dataforge.yaml:4:1: tab character in indentation; YAML indents with spaces only", Assert.Single(problems));
    }

    [Fact]
    public void A_duplicate_key_is_reported_with_the_first_definition()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nname: again\n");
        Assert.Equal("dataforge.yaml:7:1: duplicate key 'name' (first defined at line 2); remove one of them", Assert.Single(problems));
    }

    [Fact]
    public void A_wrong_type_names_the_expected_and_found_kinds()
    {
        var problems = _f.Problems(ManifestFixture.Minimal.Replace("name: demo", "name: 42"));
        Assert.Equal("dataforge.yaml:2:7: name: expected text, found a whole number", Assert.Single(problems));
    }

    [Fact]
    public void An_unknown_key_is_reported_at_the_key_with_a_suggestion()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\n    inclde: ['**/*.dcm']\n");
        var p = Assert.Single(problems);
        Assert.StartsWith("dataforge.yaml:7:5: unknown key 'inclde' in sources[0]; did you mean 'include'?", p);
    }

    [Fact]
    public void An_unknown_top_level_section_is_reported()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nharmonize: []\n");
        Assert.StartsWith("dataforge.yaml:7:1: unknown key 'harmonize' in the manifest; did you mean 'harmonise'?", Assert.Single(problems));
    }

    [Fact]
    public void A_missing_required_key_is_reported_at_the_mapping_that_lacks_it()
    {
        var problems = _f.Problems("version: 1\nname: demo\nsources:\n  - kind: dicom\n    path: raw\n");
        Assert.Equal("dataforge.yaml:4:5: missing required key 'id' in sources[0]", Assert.Single(problems));
    }

    [Fact]
    public void Missing_top_level_keys_are_each_reported()
    {
        var problems = _f.Problems("version: 1\n");
        Assert.Equal(
            ["dataforge.yaml:1:1: missing required key 'name' in the manifest", "dataforge.yaml:1:1: missing required key 'sources' in the manifest"],
            problems);
    }

    [Fact]
    public void An_unknown_option_name_gets_the_closest_valid_one()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\ndeidentify:\n  profile: basic\n  options: [retain-safe-privat]\n");
        Assert.Contains(problems, p => p.StartsWith("dataforge.yaml:9:13: deidentify.options[0]: 'retain-safe-privat' is not one of:", StringComparison.Ordinal)
                                       && p.EndsWith("did you mean 'retain-safe-private'?", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_file_is_refused_with_a_hint()
    {
        Assert.Equal("dataforge.yaml:1:1: the manifest is empty; it needs at least version, name and sources ('dataforge init' writes a starter)",
            Assert.Single(_f.Problems("# only a comment\n\n")));
    }

    [Fact]
    public void A_folder_given_as_manifest_is_refused()
    {
        var result = ManifestLoader.Create().Load(_f.Root);
        Assert.Null(result.Manifest);
        Assert.Contains("is a folder, not a manifest file", Assert.Single(result.Problems).Message);
    }

    [Fact]
    public void A_missing_file_is_refused_with_a_hint()
    {
        var result = ManifestLoader.Create().Load(Path.Combine(_f.Root, "nope.yaml"));
        Assert.Contains("dataforge init", Assert.Single(result.Problems).Message);
    }

    [Fact]
    public void A_binary_file_is_refused_with_the_offset_of_the_bad_byte()
    {
        var path = Path.Combine(_f.Root, "bin.yaml");
        File.WriteAllBytes(path, [(byte)'a', (byte)':', (byte)' ', 0xff, 0xfe]);
        var result = ManifestLoader.Create().Load(path);
        Assert.Contains("is not UTF-8 text (invalid byte at offset 3)", Assert.Single(result.Problems).Message);
    }

    [Fact]
    public void A_second_document_is_refused()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\n---\nname: other\n");
        Assert.StartsWith("dataforge.yaml:7:1: a manifest holds one YAML document", Assert.Single(problems));
    }

    [Fact]
    public void A_manifest_that_is_a_list_is_refused()
    {
        Assert.Equal("dataforge.yaml:1:1: the manifest: expected a mapping (key: value lines), found a list", Assert.Single(_f.Problems("- a\n- b\n")));
    }

    [Fact]
    public void A_quoted_number_stays_text_and_a_plain_one_is_a_number()
    {
        var problems = _f.Problems(ManifestFixture.Minimal.Replace("version: 1", "version: '1'"));
        Assert.Equal("dataforge.yaml:1:10: version: expected a whole number, found text", Assert.Single(problems));
    }

    [Fact]
    public void A_secret_written_in_the_manifest_is_refused()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nsecret: s3cr3t-value\n");
        var p = Assert.Single(problems);
        Assert.StartsWith("dataforge.yaml:7:9: secret: ", p);
        Assert.Contains("env:NAME or file:PATH", p);
    }

    [Fact]
    public void Several_problems_are_all_reported_in_file_order()
    {
        var problems = _f.Problems("version: 2\nname: Bad Name\nsources:\n  - id: ct\n    kind: dicom\n    path: raw\n    extra: 1\n");
        Assert.Equal(3, problems.Count);
        Assert.StartsWith("dataforge.yaml:1:10: version: 2 is not one of: 1", problems[0]);
        Assert.StartsWith("dataforge.yaml:2:7: name: 'Bad Name' is not valid", problems[1]);
        Assert.StartsWith("dataforge.yaml:7:5: unknown key 'extra' in sources[0]", problems[2]);
    }
}
