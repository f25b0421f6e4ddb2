using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Curate;

public sealed class CurationBuildTests
{
    [Fact]
    public void Clean_example_data_gives_no_finding_and_every_instance_is_de_identified()
    {
        using var project = new CurationProject();
        foreach (var file in Directory.GetFiles(Path.Combine(TestData.RepositoryRoot, "examples", "dicom"), "*.dcm", SearchOption.AllDirectories))
        {
            var target = Path.Combine(project.Raw, Path.GetRelativePath(Path.Combine(TestData.RepositoryRoot, "examples", "dicom"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var result = project.Build("""{"image_quality":{"max_saturated_fraction":0.01}}""");

        Assert.Equal([], result.Failures.Select(f => f.ToString()));
        Assert.Empty(project.Findings());
        Assert.Equal(96, project.Published());
        Assert.Equal(96, project.Report().GetProperty("kept").GetInt32());
    }

    [Fact]
    public void A_missing_slice_flags_its_series_and_exclude_keeps_the_whole_series_out()
    {
        using var project = new CurationProject().Synth(slices: 6);
        var ct = project.SeriesFiles("CT");
        File.Delete(ct[2]);
        var rest = ct.Where(File.Exists).Select(CurationProject.Ref).ToHashSet();

        var result = project.Build("""{"series_integrity":{"on_fail":"exclude"}}""");

        Assert.True(result.Succeeded);
        var findings = project.Findings().Where(f => f.Check == "series_integrity").ToList();
        Assert.Equal(rest, findings.Select(f => f.Item).ToHashSet());
        Assert.Contains(findings, f => f.Reason.Contains("1 slice(s) missing along the slice normal", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Reason.Contains("1 Instance Number value(s) missing", StringComparison.Ordinal));
        Assert.Equal(rest, project.Excluded());
        Assert.Equal(6, project.Published()); // the MR series only
    }

    [Fact]
    public void A_duplicated_file_is_reported_and_de_identified_once()
    {
        using var project = new CurationProject().Synth();
        var original = project.Files()[0];
        File.Copy(original, Path.Combine(project.Raw, "copy-of-one.dcm"));

        var result = project.Build("{}");

        Assert.True(result.Succeeded);
        var finding = Assert.Single(project.Findings());
        Assert.Equal((CurationProject.Ref(original), "duplicates", "warn"), (finding.Item, finding.Check, finding.Effect));
        Assert.Contains("2 files hold identical bytes", finding.Reason, StringComparison.Ordinal);
        Assert.Equal(10, project.Published());
    }

    [Fact]
    public void A_re_exported_instance_under_new_uids_is_excluded_and_one_copy_of_the_pixels_is_kept()
    {
        using var project = new CurationProject().Synth();
        var original = project.SeriesFiles("MR")[1];
        var copy = Path.Combine(project.Raw, "reexport.dcm");
        CurationProject.Rewrite(original, file =>
        {
            // A re-export: new SOP and series UIDs, another transfer syntax; the same decoded pixels.
            file.Dataset.Add(DicomTags.SOPInstanceUID, "1.2.3.999.1");
            file.Meta.Add(DicomTags.MediaStorageSOPInstanceUID, "1.2.3.999.1");
            file.Dataset.Add(DicomTags.SeriesInstanceUID, "1.2.3.999");
            file.Meta.Add(DicomTags.TransferSyntaxUID, DicomTransferSyntax.ImplicitVRLittleEndian.Uid);
        }, copy);

        var result = project.Build("{}");

        Assert.True(result.Succeeded);
        var findings = project.Findings();
        var finding = Assert.Single(findings);
        Assert.Equal("duplicates", finding.Check);
        Assert.Equal("exclude", finding.Effect);
        Assert.Contains("same decoded pixels", finding.Reason, StringComparison.Ordinal);
        // The lower SOP Instance UID ("1.2.3.999.1" sorts before synth's "2.25...") is the one kept.
        Assert.Equal(CurationProject.Ref(original), finding.Item);
        Assert.Equal(10, project.Published());
    }

    [Fact]
    public void A_constant_image_is_flagged_and_excluded_when_the_policy_says_so()
    {
        using var project = new CurationProject().Synth();
        var target = project.SeriesFiles("CT")[3];
        CurationProject.Rewrite(target, file =>
        {
            var pixels = file.Dataset.GetElement(DicomTags.PixelData)!;
            file.Dataset.Add(new DicomElement(DicomTags.PixelData, pixels.VR, new byte[pixels.Length]));
        });

        var result = project.Build("""{"image_quality":{"on_fail":"exclude"}}""");

        Assert.True(result.Succeeded);
        var finding = Assert.Single(project.Findings());
        Assert.Equal((CurationProject.Ref(target), "image_quality", "exclude"), (finding.Item, finding.Check, finding.Effect));
        Assert.StartsWith("empty image", finding.Reason, StringComparison.Ordinal);
        Assert.Equal(9, project.Published());
    }

    [Fact]
    public void A_series_of_the_wrong_modality_is_excluded_by_the_protocol()
    {
        using var project = new CurationProject().Synth();
        var mr = project.SeriesFiles("MR").Select(CurationProject.Ref).ToHashSet();

        var result = project.Build("""{"protocol":{"modality":["CT"]}}""");

        Assert.True(result.Succeeded);
        Assert.Equal(mr, project.Excluded());
        Assert.All(project.Findings(), f => Assert.Equal(("protocol", "exclude", "Modality (0008,0060) is MR, expected CT"), (f.Check, f.Effect, f.Reason)));
        Assert.Equal(5, project.Published());
    }

    [Fact]
    public void A_protocol_finding_quotes_a_code_but_withholds_free_text_and_identifiers()
    {
        using var project = new CurationProject().Synth();
        var ct = project.SeriesFiles("CT");
        var mr = project.SeriesFiles("MR");
        var surname = DicomReader.ReadFile(ct[0]).Dataset.GetString(DicomTags.PatientName)!.Split('^')[0];
        foreach (var f in ct) CurationProject.Rewrite(f, file => file.Dataset.Add(DicomTags.BodyPartExamined, "ABDOMEN"));
        CurationProject.Rewrite(mr[0], file => file.Dataset.Add(DicomTags.BodyPartExamined, "Knee, seen by Dr. Who"));
        CurationProject.Rewrite(mr[1], file => file.Dataset.Add(DicomTags.BodyPartExamined, surname.ToUpperInvariant() + " KNEE"));
        var quoted = ct.Select(CurationProject.Ref).ToHashSet();
        var withheld = new[] { mr[0], mr[1] }.Select(CurationProject.Ref).ToHashSet();

        var result = project.Build("""{"protocol":{"body_part":["CHEST"],"on_fail":"warn"}}""");

        // The surname in a kept attribute is also caught by the leak gate: that one instance fails.
        Assert.Contains("leak gate", Assert.Single(result.Failures).Reason, StringComparison.Ordinal);
        var findings = project.Findings();
        Assert.All(findings.Where(f => quoted.Contains(f.Item)), f => Assert.Equal("Body Part Examined (0018,0015) is ABDOMEN, expected CHEST", f.Reason));
        Assert.Equal(withheld, findings.Where(f => f.Reason.Contains("withheld", StringComparison.Ordinal)).Select(f => f.Item).ToHashSet());
        var text = File.ReadAllText(project.Combine("out", "curation.json")) + File.ReadAllText(project.Combine("out", "curation.md"));
        Assert.DoesNotContain("Dr. Who", text, StringComparison.Ordinal);
        Assert.DoesNotContain(surname, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_patient_who_withdrew_consent_is_excluded_and_the_report_names_no_identifier()
    {
        using var project = new CurationProject().Synth(patients: 2);
        var withdrawn = DicomReader.ReadFile(project.SeriesFiles("CT", 1)[0]).Dataset;
        var id = withdrawn.GetString(DicomTags.PatientID)!.Trim();
        File.WriteAllText(project.Combine("withdrawn.txt"), $"# withdrawn\nSOMEONE-ELSE\n{id}\n");
        var theirs = project.SeriesFiles("CT", 1).Concat(project.SeriesFiles("MR", 1)).Select(CurationProject.Ref).ToHashSet();

        var result = project.Build("""{"consent":{"withdrawn":"withdrawn.txt"}}""");

        Assert.True(result.Succeeded);
        Assert.Equal(theirs, project.Excluded());
        Assert.All(project.Findings(), f => Assert.Equal("consent", f.Check));
        Assert.Equal(10, project.Published());
        var texts = File.ReadAllText(project.Combine("out", "curation.json")) + File.ReadAllText(project.Combine("out", "curation.md"));
        Assert.DoesNotContain(id, texts, StringComparison.Ordinal);
        Assert.DoesNotContain(withdrawn.GetString(DicomTags.PatientName)!.Split('^')[0], texts, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_error_policy_fails_the_build_and_keeps_the_item_out()
    {
        using var project = new CurationProject().Synth();

        var result = project.Build("""{"protocol":{"modality":["CT"],"on_fail":"error"}}""");

        Assert.False(result.Succeeded);
        Assert.Equal(5, result.Failures.Count);
        Assert.All(result.Failures, f => Assert.Contains("curation check protocol (on_fail: error)", f.Reason, StringComparison.Ordinal));
        Assert.Equal(5, project.Published());
        Assert.Equal(5, project.Report().GetProperty("errors").GetInt32());
    }

    [Fact]
    public void Retention_flags_studies_older_than_the_period_on_the_reference_date()
    {
        using var project = new CurationProject().Synth();

        project.Build("""{"retention":{"years":1,"as_of":"2100-01-01","on_fail":"exclude"}}""");
        Assert.Equal(0, project.Published());
        Assert.All(project.Findings(), f => Assert.Equal("retention", f.Check));

        project.Build("""{"retention":{"years":1,"as_of":"1990-01-01","on_fail":"exclude"}}""", output: "out2");
        Assert.Equal(10, project.Published("out2"));
    }

    [Fact]
    public void One_job_and_two_jobs_give_the_same_report_and_outputs()
    {
        using var project = new CurationProject().Synth(patients: 2);
        File.Copy(project.Files()[0], Path.Combine(project.Raw, "dup.dcm"));
        File.Delete(project.SeriesFiles("CT", 1)[2]);
        const string curate = """{"series_integrity":{"on_fail":"exclude"},"protocol":{"modality":["CT","MR"],"body_part":["CHEST"]}}""";

        project.Build(curate, jobs: 1, output: "out1");
        // Moving output.path cleans the old folder: its files are kept aside for the comparison, then put back.
        Directory.Move(project.Combine("out1"), project.Combine("out1.kept"));
        project.Build(curate, jobs: 2, output: "out2");
        Directory.Move(project.Combine("out1.kept"), project.Combine("out1"));

        Assert.NotEmpty(project.Findings("out1"));
        var one = Directory.GetFiles(project.Combine("out1"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(project.Combine("out1"), f)).Order(StringComparer.Ordinal).ToList();
        var two = Directory.GetFiles(project.Combine("out2"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(project.Combine("out2"), f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(one, two);
        foreach (var f in one)
            Assert.Equal(File.ReadAllBytes(project.Combine("out1", f)), File.ReadAllBytes(project.Combine("out2", f)));
    }

    [Fact]
    public void Changing_one_file_reruns_only_the_actions_that_read_it()
    {
        using var project = new CurationProject().Synth(patients: 2);
        project.Build("{}");
        var target = project.SeriesFiles("MR", 1)[2];
        CurationProject.Rewrite(target, file => file.Dataset.Add(DicomTags.SeriesDescription, "EDITED"));

        var result = project.Build("{}");

        int Ran(string stage) => result.Stages.Single(s => s.StageId == stage).Executed;
        Assert.Equal(1, Ran("curate.facts"));
        Assert.Equal(1, Ran("curate.series"));
        Assert.Equal(1, Ran("curate"));
        Assert.Equal(1, Ran("deidentify"));
    }

    [Fact]
    public void A_localiser_is_excluded_by_default_and_kept_when_asked()
    {
        using var project = new CurationProject().Synth();
        var scout = project.SeriesFiles("CT")[0];
        CurationProject.Rewrite(scout, file => file.Dataset.Add(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "LOCALIZER"));

        project.Build("{}");
        Assert.Equal([(CurationProject.Ref(scout), "localizer", "exclude")], project.Findings().Select(f => (f.Item, f.Check, f.Effect)));
        Assert.Equal(9, project.Published());

        project.Build("""{"series_integrity":{"exclude_localizers":false}}""", output: "out2");
        Assert.Equal(10, project.Published("out2"));
    }

    [Fact]
    public void Two_acquisitions_stacked_in_one_series_are_flagged_for_splitting()
    {
        using var project = new CurationProject().Synth(slices: 6);
        var mr = project.SeriesFiles("MR");
        foreach (var file in mr.Skip(3)) CurationProject.Rewrite(file, f => f.Dataset.Add(DicomTags.AcquisitionNumber, "2"));

        project.Build("{}");

        var findings = project.Findings();
        Assert.Equal(mr.Select(CurationProject.Ref).ToHashSet(), findings.Select(f => f.Item).ToHashSet());
        Assert.All(findings, f => Assert.Equal(("series_integrity", "warn", "2 acquisitions stacked in one series: split it by Acquisition Number"), (f.Check, f.Effect, f.Reason)));
        Assert.Equal(12, project.Published());
    }
}
