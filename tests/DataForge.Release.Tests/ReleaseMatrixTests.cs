using System.Diagnostics;
using System.Text.Json;
using DataForge.Cli.Output;
using DataForge.Stages.Splits;
using Xunit.Abstractions;

namespace DataForge.Release.Tests;

/// <summary>
/// The release matrix (issue #17): every layout with every pseudonym form, and curation, labels and splits each on
/// and off in several combinations, along a user's path across commands: build, release v1, a patient added to the
/// sources (with its labels), build, release v2; then both releases verify bit for bit, and the diff of v1 and v2
/// names the added patient and nothing else. Each row is a fresh project of two synthetic patients (a CT and an MR
/// series each, three 16x16 slices); a row takes 2-6 s.
/// </summary>
public sealed class ReleaseMatrixTests(ITestOutputHelper output)
{
    /// <summary>
    /// The rows that hold today: pseudonym form, layout, curation, labels (<see cref="MatrixProject.Labels"/>),
    /// splits. With <see cref="TrainingLayouts"/>, every layout runs with every form (18 rows): curation is on in 10,
    /// labels in 13, splits in 11. Labels are the kinds each layout takes: a table, masks or boxes for dicom, nifti
    /// and png; masks for nnunet (it refuses to build without them) and monai; boxes or COCO masks for coco.
    /// </summary>
    public static TheoryData<string, string, bool, string, bool> Rows => new()
    {
        { "prefix", "dicom", true, "categorical", true },
        { "hash", "dicom", false, "none", false },
        { "seq", "dicom", false, "mask", true },
        { "prefix", "nifti", false, "categorical", true },
        { "hash", "nifti", true, "mask", true },
        { "seq", "nifti", true, "none", false },
        { "prefix", "png", true, "categorical", false },
        { "hash", "png", false, "none", true },
        { "seq", "png", false, "boxes", true },
    };

    /// <summary>Patient-level labels (a categorical table keyed by PatientID) with a pseudonym.format other than a prefix (defect 2).</summary>
    public static TheoryData<string, string, bool, string, bool> PatientLabelsWithAFormat => new()
    {
        { "hash", "dicom", false, "categorical", false },
        { "seq", "nifti", true, "categorical", false },
        { "seq", "png", false, "categorical", true },
    };

    /// <summary>The training layouts (nnU-Net, MONAI, COCO): each case's files carry its pseudonym and series.</summary>
    public static TheoryData<string, string, bool, string, bool> TrainingLayouts => new()
    {
        { "prefix", "nnunet", false, "mask", true },
        { "hash", "nnunet", true, "mask", true },
        { "seq", "nnunet", true, "mask", false },
        { "prefix", "monai", false, "mask", false },
        { "hash", "monai", true, "none", false },
        { "seq", "monai", true, "mask", true },
        { "prefix", "coco", true, "none", true },
        { "hash", "coco", true, "boxes", true },
        { "seq", "coco", false, "coco-mask", false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Both_releases_verify_after_a_patient_is_added_and_their_diff_names_only_that_patient(
        string pseudonym, string layout, bool curate, string labels, bool splits) =>
        Check(pseudonym, layout, curate, labels, splits, diffNamesPatients: true);

    [Theory]
    [MemberData(nameof(PatientLabelsWithAFormat))]
    public void Patient_level_labels_with_a_pseudonym_format_follow_the_added_patient(
        string pseudonym, string layout, bool curate, string labels, bool splits) =>
        Check(pseudonym, layout, curate, labels, splits, diffNamesPatients: true);

    [Theory]
    [MemberData(nameof(TrainingLayouts))]
    public void A_training_layouts_diff_names_the_added_patient(string pseudonym, string layout, bool curate, string labels, bool splits) =>
        Check(pseudonym, layout, curate, labels, splits, diffNamesPatients: true);

    /// <summary>
    /// Why the matrix adds the new patient's labels as a new file: a user who appends the row to the table v1 read
    /// changes a recorded input, and v1 no longer verifies; verify names the table by reference, never by path.
    /// </summary>
    [Fact]
    public void Appending_to_a_label_table_a_release_read_makes_that_release_unverifiable_and_verify_names_the_table()
    {
        using var p = new MatrixProject("prefix", "nifti", curate: false, labels: "categorical", splits: false);
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        p.AddPatient();
        var (table, batch) = (p.Project.Combine("grades", "batch1.csv"), p.Project.Combine("grades", "batch2.csv"));
        File.AppendAllLines(table, File.ReadAllLines(batch).Skip(1));
        File.Delete(batch);
        p.Run("build").AssertExit(0);

        var bad = p.Run("verify", "v1").AssertExit(1);
        Assert.Contains($"changed source: grades {ItemReference.Of("grades:batch1.csv")}", bad.Out);
        Assert.DoesNotContain("batch1", bad.Out + bad.Error);
        // The rebuild reads the table as it is now: its new row names a patient v1's sources do not have, which the label
        // report counts; the label file itself and every image are as released.
        Assert.Contains("1 differing, 0 missing, 0 extra", bad.Out);
        Assert.Contains("differs: labels/grade.report.json", bad.Out);
        Assert.Contains("NOT verified", bad.Out);
    }

    private void Check(string pseudonym, string layout, bool curate, string labels, bool splits, bool diffNamesPatients)
    {
        var clock = Stopwatch.StartNew();
        using var p = new MatrixProject(pseudonym, layout, curate, labels, splits);
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var v1Patients = p.PatientFolders().Select(p.PseudonymOf).ToList();
        AssertLabelled(p, v1Patients);
        var v1Splits = p.Splits ? Splits(p) : null;

        var added = p.AddPatient();
        p.Run("build").AssertExit(0);
        p.Run("release", "v2").AssertExit(0);
        var patient = p.PseudonymOf(added);
        Assert.DoesNotContain(patient, v1Patients);
        AssertLabelled(p, [.. v1Patients, patient]);
        if (v1Splits is not null)
        {
            // A patient keeps its split (and fold) as the cohort grows; the new one gets one. Read from splits.json, since
            // the training layouts' items carry no split for the diff's split_moves to compare.
            var v2Splits = Splits(p);
            Assert.Equal(v1Patients.Append(patient).Order(StringComparer.Ordinal), v2Splits.Keys.Order(StringComparer.Ordinal));
            Assert.All(v1Splits, s => Assert.Equal(s.Value, v2Splits[s.Key]));
        }

        // Files added to the sources since v1 are not read when v1 is rebuilt.
        var v1 = p.Run("verify", "v1").AssertExit(0);
        Assert.Contains("0 differing, 0 missing, 0 extra", v1.Out);
        p.Run("verify", "v2").AssertExit(0);

        var diff = JsonDocument.Parse(p.Run("diff", "v1", "v2", "--json").AssertExit(0).Out).RootElement;
        var before = Files(p, "v1");
        var after = Files(p, "v2");
        var aggregates = Aggregates(p, patient);
        var files = diff.GetProperty("files");
        // Added: the new patient's files, and an aggregate that v1 did not have (a COCO split file of a split that had no patient).
        var patientFiles = PatientFiles(p, after.Keys, patient);
        Assert.NotEmpty(patientFiles);
        Assert.Equal(patientFiles.Concat(aggregates.Where(a => !before.ContainsKey(a))).Order(StringComparer.Ordinal),
            Strings(files.GetProperty("added")).Order(StringComparer.Ordinal));
        Assert.Empty(Strings(files.GetProperty("removed")));
        // Changed: only files that aggregate over patients (see Aggregates for why each does).
        var changed = files.GetProperty("changed").EnumerateArray().Select(c => c.GetProperty("after").GetString()!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(aggregates.Where(before.ContainsKey).Order(StringComparer.Ordinal), changed);
        // The same, read here from the two release manifests: every file of v1 is in v2, with its bytes unless it aggregates.
        Assert.All(before, f => Assert.True(after.TryGetValue(f.Key, out var sha) && (sha == f.Value || changed.Contains(f.Key)), f.Key));
        Assert.Equal(before.Count - changed.Count, files.GetProperty("unchanged").GetInt32());

        Assert.Empty(Strings(diff.GetProperty("patients").GetProperty("removed")));
        Assert.Empty(Strings(diff.GetProperty("series").GetProperty("removed")));
        if (diffNamesPatients)
        {
            Assert.Equal([patient], Strings(diff.GetProperty("patients").GetProperty("added")));
            var series = Series(p, "v2", patient);
            Assert.NotEmpty(series);
            Assert.Equal(series, Strings(diff.GetProperty("series").GetProperty("added")).Order(StringComparer.Ordinal));
        }
        // Nothing about the old patients changed: no header attribute, no geometry, no split, no policy, no tool.
        Assert.Empty(diff.GetProperty("attribute_changes").EnumerateObject());
        Assert.Empty(diff.GetProperty("geometry_changes").EnumerateArray());
        Assert.Empty(diff.GetProperty("split_moves").EnumerateArray());
        Assert.Empty(diff.GetProperty("policy_changes").EnumerateArray());
        Assert.Empty(diff.GetProperty("tool_changes").EnumerateArray());
        Assert.Empty(diff.GetProperty("warnings").EnumerateArray());
        output.WriteLine($"{pseudonym} {layout} curate={curate} labels={labels} splits={splits}: {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// The files that legitimately change (or, absent from v1, appear) when a patient is added to this row's project:
    /// each aggregates over patients, so a new patient changes its bytes. Every other file of v1 keeps its bytes.
    /// </summary>
    private static List<string> Aggregates(MatrixProject p, string patient)
    {
        // The de-identification report counts instances, actions and patients over the whole dataset.
        var files = new List<string> { "deidentification.json" };
        // The curation report counts files and lists verdicts over all of them (the new patient's MR series is excluded too).
        if (p.Curate) files.AddRange(["curation.json", "curation.md"]);
        // An annotation's label file lists every labelled item (the new patient's labels too); its report counts them.
        if (p.Annotation is { } name) files.AddRange([$"labels/{name}.json", $"labels/{name}.report.json"]);
        // One file holds every patient's split; the old patients keep theirs (split_moves is empty).
        if (p.Splits) files.Add("splits.json");
        switch (p.Layout)
        {
            case "nnunet":
                // dataset.json counts the training cases and lists them and the test images; the layout report counts the cases.
                files.AddRange(["dataset.json", "layout.report.json"]);
                break;
            case "monai":
                // The datalist lists every case by split; the layout report counts the cases.
                files.AddRange(["datalist.json", "layout.report.json"]);
                break;
            case "png":
                // The png report counts the instances rendered and not rendered, per modality.
                files.Add("png.report.json");
                break;
            case "coco":
                // One annotation file per split lists its images and their objects: only the new patient's split changes
                // (or appears); coco/report.json lists boxes clipped or dropped, and the new patient's lie inside its images.
                files.Add($"coco/annotations/{SplitOf(p, patient)}.json");
                break;
        }
        return files;
    }

    /// <summary>The new patient's split as the coco layout names its files (all without splits).</summary>
    private static string SplitOf(MatrixProject p, string patient) => p.Splits ? Splits(p)[patient].Split : "all";

    /// <summary>Each patient's split and fold in the build's splits.json.</summary>
    private static IReadOnlyDictionary<string, (string Split, int? Fold)> Splits(MatrixProject p) =>
        SplitStage.Read(File.ReadAllBytes(p.Project.Combine("out", "splits.json")));

    /// <summary>
    /// The files of v2 that are the new patient's: every layout names them by its pseudonym, except coco, which names
    /// an image by its SOP Instance UID and gives the image's pseudonym in its annotation file.
    /// </summary>
    private static List<string> PatientFiles(MatrixProject p, IEnumerable<string> v2Files, string patient)
    {
        var set = v2Files.Where(f => f.Contains(patient, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        if (p.Layout == "coco")
            foreach (var annotations in Directory.GetFiles(p.Project.Combine("out", "coco", "annotations"), "*.json"))
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(annotations));
                var split = Path.GetFileNameWithoutExtension(annotations);
                set.UnionWith(doc.RootElement.GetProperty("images").EnumerateArray()
                    .Where(i => i.GetProperty("pseudonym").GetString() == patient)
                    .Select(i => $"coco/images/{split}/{i.GetProperty("file_name").GetString()}"));
            }
        return set.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The label file of the row's annotation (the build's, in out/) names every one of these patients, and no other.</summary>
    private static void AssertLabelled(MatrixProject p, IReadOnlyCollection<string> patients)
    {
        if (p.Annotation is not { } name) return;
        using var file = JsonDocument.Parse(File.ReadAllBytes(p.Project.Combine("out", "labels", name + ".json")));
        var labelled = file.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("patient").GetString()!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(patients.Order(StringComparer.Ordinal), labelled.Order(StringComparer.Ordinal));
    }

    private static JsonElement Manifest(MatrixProject p, string version) =>
        JsonDocument.Parse(p.Project.Git("show", $"{version}:releases/{version}/manifest.json")).RootElement;

    /// <summary>The series of a patient's files in a release manifest.</summary>
    private static List<string> Series(MatrixProject p, string version, string patient) =>
        Manifest(p, version).GetProperty("files").EnumerateArray().Select(f => f.GetProperty("item"))
            .Where(i => i.TryGetProperty("patient", out var x) && x.GetString() == patient && i.TryGetProperty("series", out _))
            .Select(i => i.GetProperty("series").GetString()!).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Path to SHA-256 of every file in a release manifest.</summary>
    private static Dictionary<string, string> Files(MatrixProject p, string version) =>
        Manifest(p, version).GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString()!, StringComparer.Ordinal);

    private static IEnumerable<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!);
}
