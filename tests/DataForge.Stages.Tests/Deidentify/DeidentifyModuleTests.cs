using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>The deidentify: section's checks, made by its module and reported at the line and column of the setting.</summary>
public sealed class DeidentifyModuleTests : IDisposable
{
    private const string Minimal = """
        version: 1
        name: demo
        sources:
          - id: ct
            kind: dicom
            path: raw
        """;

    private readonly TempDirectory _dir = new("dataforge-deid-module");

    public DeidentifyModuleTests() => Directory.CreateDirectory(_dir.Combine("raw"));

    public void Dispose() => _dir.Dispose();

    private List<string> Problems(string yaml)
    {
        var result = ManifestModules.Loader().Load(_dir.WriteText("dataforge.yaml", yaml));
        return result.Problems.Select(p => p.ToString().Replace(_dir.Path + Path.DirectorySeparatorChar, "")).ToList();
    }

    [Fact]
    public void Encapsulated_documents_are_excluded_or_kept_by_SOP_class_UID()
    {
        Assert.Empty(Problems(Minimal + "\ndeidentify:\n  profile: basic\n  encapsulated_documents: exclude\n"));
        Assert.Empty(Problems(Minimal + "\ndeidentify:\n  profile: basic\n  encapsulated_documents: {keep: [1.2.840.10008.5.1.4.1.1.104.1]}\n"));
        Assert.Contains(Problems(Minimal + "\ndeidentify:\n  profile: basic\n  encapsulated_documents: keep\n"),
            p => p.Contains("deidentify.encapsulated_documents: 'keep' is not one of: exclude", StringComparison.Ordinal));
        Assert.Contains(Problems(Minimal + "\ndeidentify:\n  profile: basic\n  encapsulated_documents: {keep: [pdf]}\n"),
            p => p.Contains("deidentify.encapsulated_documents.keep[0]: 'pdf' is not valid", StringComparison.Ordinal));
    }

    [Fact]
    public void A_replace_override_needs_a_value()
    {
        var problems = Problems(Minimal + "\ndeidentify:\n  profile: basic\n  overrides:\n    - {tag: PatientAge, action: replace}\n");
        Assert.Contains("dataforge.yaml:10:7: action 'replace' needs 'value'", problems);
    }

    [Fact]
    public void Every_deidentify_option_of_table_E_1_1_is_accepted()
    {
        Assert.Empty(Problems(Minimal + "\ndeidentify:\n  profile: basic\n  options: [clean-structured-content, clean-graphics, clean-recognizable-visual-features]\n" +
            "  visual_features: {body_parts: [HEAD, NECK], min_slices: 30}\n"));
        Assert.Empty(Problems(Minimal + "\ndeidentify:\n  profile: basic\n  options: [" + string.Join(", ", DeidOption.All.Select(o => o.Name).Where(n => n != "retain-longitudinal-full-dates")) + "]\n"));
    }

    [Fact]
    public void Visual_features_settings_without_their_option_are_refused()
    {
        var problems = Problems(Minimal + "\ndeidentify:\n  profile: basic\n  visual_features: {min_slices: 30}\n");
        Assert.Contains("visual_features are applied by the clean-recognizable-visual-features option", Assert.Single(problems));
    }

    [Fact]
    public void Burned_in_regions_without_clean_pixel_data_are_refused()
    {
        var problems = Problems(Minimal + "\ndeidentify:\n  profile: basic\n  burned_in_regions:\n    - {modality: US, region: [0, 0, 10, 10]}\n");
        Assert.Contains("burned_in_regions are applied by the clean-pixel-data option", Assert.Single(problems));
    }

    [Fact]
    public void An_override_naming_an_unknown_keyword_is_reported()
    {
        var problems = Problems(Minimal + "\ndeidentify:\n  profile: basic\n  overrides:\n    - {tag: PatientAgee, action: keep}\n");
        Assert.Equal("dataforge.yaml:10:13: 'PatientAgee' is not a DICOM keyword (PS3.6 data dictionary)", Assert.Single(problems));
    }

    [Fact]
    public void The_basic_profile_with_supported_options_is_accepted()
    {
        Assert.Empty(Problems(Minimal + "\ndeidentify:\n  profile: basic\n  options: [retain-longitudinal-modified-dates, clean-descriptors]\n  overrides:\n    - {tag: \"(0010,1010)\", action: keep}\n"));
    }

    [Fact]
    public void Options_that_exclude_each_other_a_repeated_option_and_a_doubled_override_are_reported_where_they_stand()
    {
        var problems = Problems(Minimal + "\ndeidentify:\n  profile: basic\n  options: [retain-longitudinal-full-dates, retain-longitudinal-modified-dates, clean-descriptors, clean-descriptors]\n" +
            "  overrides:\n    - {tag: PatientAge, action: keep}\n    - {tag: PatientAge, action: remove}\n");
        Assert.Contains(problems, p => p.StartsWith("dataforge.yaml:9:13: retain-longitudinal-full-dates and retain-longitudinal-modified-dates exclude each other", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("option 'clean-descriptors' is listed twice", StringComparison.Ordinal));
        Assert.Contains("dataforge.yaml:12:13: 'PatientAge' already has an override (deidentify.overrides[0])", problems);
    }

    [Theory]
    [InlineData("SUBJ-{seq:0}", "{seq:N} takes N from 1 to 9")]
    [InlineData("SUBJ-{hash:4}", "{hash:N} takes N from 6 to 26")]
    public void A_pseudonym_format_of_a_width_out_of_range_is_refused(string format, string message)
    {
        var problems = Problems(Minimal + $"\ndeidentify:\n  profile: basic\n  pseudonym: {{format: \"{format}\"}}\n");
        Assert.Contains(problems, p => p.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Without_the_module_the_loader_checks_only_the_schema_and_the_generic_rules()
    {
        var path = _dir.WriteText("dataforge.yaml", Minimal + "\ndeidentify:\n  profile: basic\n  overrides:\n    - {tag: PatientAgee, action: keep}\n");
        Assert.Empty(Manifest.ManifestLoader.Create().Load(path).Problems);
    }
}
