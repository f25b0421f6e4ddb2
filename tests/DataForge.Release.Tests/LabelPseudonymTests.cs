using System.Text.Json;
using System.Text.RegularExpressions;
using DataForge.Dicom;
using DataForge.Dicom.IO;

namespace DataForge.Release.Tests;

/// <summary>
/// Patient-level labels land on the pseudonyms de-identification wrote, in every pseudonym form (prefix,
/// <c>{hash:N}</c>, <c>{seq:N}</c>), through build, a format change, release and verify, as a user runs them.
/// </summary>
public sealed class LabelPseudonymTests
{
    private const string Policy = "deidentify:\n  profile: basic\n  ";

    public static TheoryData<string, string, string, string> Forms => new()
    {
        { "pseudonym_prefix: LBL-", "^LBL-[A-Z0-9]{10}$", "pseudonym_prefix: OTH-", "^OTH-[A-Z0-9]{10}$" },
        { "pseudonym: {format: \"SUBJ-{hash:6}\"}", "^SUBJ-[A-Z0-9]{6}$", "pseudonym: {format: \"CASE-{hash:8}\"}", "^CASE-[A-Z0-9]{8}$" },
        { "pseudonym: {format: \"SUBJ-{seq:3}\"}", "^SUBJ-[0-9]{3}$", "pseudonym: {format: \"CASE-{seq:4}\"}", "^CASE-[0-9]{4}$" },
    };

    [SkippableTheory]
    [MemberData(nameof(Forms))]
    public void Patient_labels_follow_the_pseudonym_format_through_a_format_change_release_and_verify(
        string first, string firstShape, string second, string secondShape)
    {
        using var p = new ReleaseProject(patients: 3);
        var grades = WriteGrades(p);

        File.WriteAllText(p.Combine("dataforge.yaml"), Manifest(first));
        p.Run("build").AssertExit(0);
        AssertLabelsOnTheirPatients(p, grades, firstShape);
        var before = LabelledPatients(p);
        p.Run("release", "v1").AssertExit(0);

        File.WriteAllText(p.Combine("dataforge.yaml"), Manifest(second));
        var rebuilt = p.Run("build").AssertExit(0);
        // A new format reruns the labels stage; its labels move to the new pseudonyms, none stays on an old one.
        Assert.Contains("labels.grade: 1 item: 1 ran", rebuilt.Out);
        AssertLabelsOnTheirPatients(p, grades, secondShape);
        Assert.Empty(LabelledPatients(p).Intersect(before));
        p.Run("release", "v2").AssertExit(0);

        p.Run("verify", "v1").AssertExit(0);
        p.Run("verify", "v2").AssertExit(0);
    }

    [SkippableFact]
    public void A_label_table_that_names_no_de_identified_patient_fails_the_build_with_its_counts()
    {
        using var p = new ReleaseProject(patients: 2);
        Directory.CreateDirectory(p.Combine("labels"));
        File.WriteAllText(p.Combine("labels", "grades.csv"), "PatientID,IssuerOfPatientID,grade\nNOBODY-1,,high\nNOBODY-2,,low\nNOBODY-3,,low\n");
        File.WriteAllText(p.Combine("dataforge.yaml"), Manifest("pseudonym: {format: \"SUBJ-{hash:6}\"}"));

        var result = p.Run("build");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("none of the annotation's labels links to a de-identified patient (3 unlinked, 0 published; key PatientID)", result.Out + result.Error);
        Assert.DoesNotContain("build succeeded", result.Out);
        Assert.DoesNotContain("NOBODY", result.Out + result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(p.Combine("out", "labels", "grade.json")));
    }

    [SkippableFact]
    public void Build_prints_each_annotation_s_published_labels_and_violations_per_check()
    {
        using var p = new ReleaseProject(patients: 3);
        var grades = WriteGrades(p);
        File.AppendAllText(p.Combine("labels", "grades.csv"), "NOBODY-1,,high\n");
        File.WriteAllText(p.Combine("dataforge.yaml"), Manifest("pseudonym: {format: \"SUBJ-{hash:6}\"}"));

        var text = p.Run("build").AssertExit(0).Out;
        Assert.Contains($"labels: grade: {grades.Count} published; violations: link 1 (on_fail: exclude; labels/grade.report.json)", text);
        Assert.DoesNotContain("NOBODY", text, StringComparison.Ordinal);

        var json = System.Text.Json.Nodes.JsonNode.Parse(p.Run("build", "--json").AssertExit(0).Out)!["labels"]!["grade"]!;
        Assert.Equal(grades.Count, json["published"]!.GetValue<int>());
        Assert.Equal(1, json["violations"]!["link"]!.GetValue<int>());
    }

    private static string Manifest(string pseudonym) => $$"""
        version: 1
        name: labelled
        sources:
          - {id: raw, kind: dicom, path: raw}
          - {id: grades, kind: labels, path: labels/grades.csv, format: csv, key: PatientID}
        output: {path: out}
        {{Policy}}{{pseudonym}}
        labels:
          annotations:
            - {name: grade, kind: categorical, level: patient, source: grades, values: [low, high], required: true}
        """;

    /// <summary>A grade per original patient (read from the sources, the private side), written as the label table.</summary>
    private static Dictionary<(string Id, string Issuer), string> WriteGrades(ReleaseProject p)
    {
        var patients = p.Sources().Select(f => DicomReader.ReadFile(f).Dataset)
            .Select(ds => (Id: ds.GetString(DicomTags.PatientID)!.Trim(), Issuer: ds.GetString(DicomTags.IssuerOfPatientID)?.Trim() ?? ""))
            .Distinct().Order().ToList();
        Assert.Equal(3, patients.Count);
        var grades = patients.Select((patient, i) => (patient, grade: i % 2 == 0 ? "high" : "low")).ToDictionary(x => x.patient, x => x.grade);
        Directory.CreateDirectory(p.Combine("labels"));
        File.WriteAllText(p.Combine("labels", "grades.csv"),
            "PatientID,IssuerOfPatientID,grade\n" + string.Concat(grades.Select(g => $"{g.Key.Id},{g.Key.Issuer},{g.Value}\n")));
        return grades;
    }

    /// <summary>
    /// Every patient's label sits on the pseudonym the vault gives that patient (<c>pseudonyms lookup</c>, not the labels
    /// code), the pseudonyms have the format's shape, and they are the folders of the published DICOM tree.
    /// </summary>
    private static void AssertLabelsOnTheirPatients(ReleaseProject p, Dictionary<(string Id, string Issuer), string> grades, string shape)
    {
        var expected = grades.ToDictionary(
            g => p.Run("pseudonyms", "lookup", g.Key.Id, "--issuer", g.Key.Issuer).AssertExit(0).Out.Trim(),
            g => g.Value);
        using var doc = JsonDocument.Parse(File.ReadAllText(p.Combine("out", "labels", "grade.json")));
        var published = doc.RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("patient").GetString()!, i => i.GetProperty("value").GetString()!);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), published.OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.All(published.Keys, k => Assert.Matches(new Regex(shape), k));
        Assert.Equal(Directory.GetDirectories(p.Combine("out", "dicom")).Select(Path.GetFileName).Order(StringComparer.Ordinal), published.Keys.Order(StringComparer.Ordinal));
        using var report = JsonDocument.Parse(File.ReadAllText(p.Combine("out", "labels", "grade.report.json")));
        Assert.Equal(0, report.RootElement.GetProperty("violations_count").GetInt32());
    }

    private static IReadOnlyList<string> LabelledPatients(ReleaseProject p)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(p.Combine("out", "labels", "grade.json")));
        return doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("patient").GetString()!).ToList();
    }
}
