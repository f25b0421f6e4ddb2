using DataForge.Manifest.Model;

namespace DataForge.Manifest.Tests;

public sealed class ImageSourceCheckTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    public void Dispose() => _f.Dispose();

    private const string Nifti = """
        version: 1
        name: demo
        sources:
          - id: mr
            kind: nifti
            path: raw
        """;

    [Fact]
    public void A_nifti_source_with_the_default_BIDS_subjects_validates()
    {
        Assert.Empty(_f.Problems(Nifti));
        Assert.Empty(_f.Problems(Nifti.Replace("kind: nifti", "kind: analyze") + "\n    subject: \"^(?<subject>[A-Z]+[0-9]+)_\"\n"));
    }

    [Fact]
    public void A_subject_expression_that_does_not_compile_is_reported_at_its_value()
    {
        var problems = _f.Problems(Nifti + "\n    subject: \"(?<subject>sub-[0-9]+\"\n");
        Assert.Equal("dataforge.yaml:7:14: sources[0].subject: not a valid regular expression: insufficient closing parentheses at character 21", Assert.Single(problems));
    }

    [Fact]
    public void A_subject_expression_without_a_subject_group_is_reported()
    {
        var problems = _f.Problems(Nifti + "\n    subject: \"(?<patient>P[0-9]+)/\"\n");
        Assert.Equal("dataforge.yaml:7:14: sources[0].subject: the expression needs a named group (?<subject>...) that captures the subject", Assert.Single(problems));
    }

    [Fact]
    public void Subject_and_modality_on_a_dicom_source_are_reported_at_their_keys()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\n    subject: \"(?<subject>x)\"\n    modality: CT\n");
        Assert.Contains("dataforge.yaml:7:5: 'subject' is only for nifti, analyze and image sources; a dicom source names its patients in its headers", problems);
        Assert.Contains("dataforge.yaml:8:5: 'modality' is only for nifti, analyze and image sources", problems);
    }

    [Fact]
    public void Curation_and_the_png_layout_say_they_do_not_read_nifti_sources()
    {
        var problems = _f.Problems(Nifti + "\ncurate: {duplicates: {on_fail: exclude}}\n");
        Assert.Contains(problems, p => p.StartsWith("dataforge.yaml:7:1: curate: checks DICOM sources; NIfTI and Analyze sources (sources[0] and any other) are not supported yet", StringComparison.Ordinal));
    }

    [Fact]
    public void Pixel_options_are_refused_with_nifti_sources_and_plain_deidentify_validates()
    {
        Assert.Empty(_f.Problems(Nifti + "\ndeidentify: {profile: basic, options: [retain-longitudinal-modified-dates, clean-descriptors]}\noutput: {path: out, layout: nifti}\n"));
        var problems = _f.Problems(Nifti + "\ndeidentify:\n  profile: basic\n  options: [clean-recognizable-visual-features]\noutput: {path: out, layout: nifti}\n");
        Assert.Contains(problems, p => p.StartsWith("dataforge.yaml:9:13: deidentify.options[0]: clean-recognizable-visual-features is not supported yet with NIfTI and Analyze sources", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sub-01/ses-2/anat/sub-01_ses-2_T1w.nii.gz", "sub-01", "ses-2")]
    [InlineData("sub-ABC7/anat/sub-ABC7_T1w.nii.gz", "sub-ABC7", null)]
    [InlineData("derivatives/x/sub-02/func/sub-02_bold.nii", "sub-02", null)]
    [InlineData("anat/sub-01_T1w.nii.gz", null, null)]
    [InlineData("sub-01_T1w.nii.gz", null, null)]
    public void The_BIDS_default_takes_subject_and_session_from_the_folders(string path, string? subject, string? session)
    {
        var match = SubjectPattern.Parse(SubjectPattern.Bids).Match(path);
        Assert.Equal(subject, match?.Subject);
        Assert.Equal(session, match?.Session);
    }

    [Fact]
    public void A_manifest_expression_takes_the_named_groups_and_no_match_is_null()
    {
        var pattern = SubjectPattern.Parse("^(?<subject>[A-Z]+[0-9]+)_(?<session>v[0-9])_");
        Assert.Equal(("BRATS001", "v2"), pattern.Match("BRATS001_v2_t1.nii.gz")!.Value);
        Assert.Null(pattern.Match("readme.nii"));
    }
}

public sealed class OnUnreadableTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void A_dicom_source_excludes_unreadable_files_unless_it_says_fail_and_the_model_holds_the_choice()
    {
        Assert.Equal("exclude", _f.Load(ManifestFixture.Minimal).Manifest!.Sources[0].OnUnreadable);
        var fail = _f.Load(ManifestFixture.Minimal + "\n    on_unreadable: fail\n");
        Assert.True(fail.Succeeded, string.Join("\n", fail.Problems));
        Assert.Equal("fail", fail.Manifest!.Sources[0].OnUnreadable);
    }

    [Fact]
    public void Another_value_or_a_non_dicom_source_is_reported()
    {
        Assert.Contains(_f.Problems(ManifestFixture.Minimal + "\n    on_unreadable: skip\n"), p => p.StartsWith("dataforge.yaml:7:20:", StringComparison.Ordinal));
        var nifti = ManifestFixture.Minimal.Replace("kind: dicom", "kind: nifti", StringComparison.Ordinal) + "\n    on_unreadable: fail\n";
        Assert.Contains("dataforge.yaml:7:5: 'on_unreadable' is only for dicom sources (it decides whether a damaged DICOM file is excluded or fails the build)", _f.Problems(nifti));
    }
}
