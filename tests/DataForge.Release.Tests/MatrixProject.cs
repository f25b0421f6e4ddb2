using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Volumes;
using DataForge.Synth;

namespace DataForge.Release.Tests;

/// <summary>
/// One row of the release matrix: a <see cref="ReleaseProject"/> (two synthetic patients, a CT and an MR
/// series each, three 16x16 slices) whose manifest is made from the row's pseudonym form, layout, curation,
/// labels and splits, and whose label files are written from the original (PHI side) identifiers.
/// </summary>
/// <remarks>
/// Labels come in batches: each batch is a new file (a new mask per series), never an edit of a file an
/// earlier release read. A release rebuilds from exactly the inputs it recorded, so an edited label table
/// makes the older release unverifiable by design; adding a file is how a project grows and keeps every
/// older release verifiable.
/// </remarks>
public sealed class MatrixProject : IDisposable
{
    private readonly ReleaseProject _p = new();

    public MatrixProject(string pseudonym, string layout, bool curate, string labels, bool splits)
    {
        (Pseudonym, Layout, Curate, Labels, Splits) = (pseudonym, layout, curate, labels, splits);
        // A fixed secret: the same pseudonyms and splits on every run (a new random one would make a row's splits a coin toss).
        File.WriteAllText(_p.Combine("matrix.key"), "matrix-secret-0123456789abcdef-0123456789abcdef\n");
        File.WriteAllText(_p.Combine("dataforge.yaml"), Manifest());
        WriteLabels("batch1", PatientFolders());
    }

    public string Pseudonym { get; }

    public string Layout { get; }

    public bool Curate { get; }

    /// <summary>none, categorical (a csv table per batch), mask (a NIfTI mask per CT series), boxes or coco-mask (a COCO file per batch, one box or polygon per CT slice).</summary>
    public string Labels { get; }

    public bool Splits { get; }

    /// <summary>The annotation's name (its label file is labels/NAME.json), or null without labels.</summary>
    public string? Annotation => Labels switch
    {
        "categorical" => "grade",
        "mask" => "body",
        "boxes" => "findings",
        "coco-mask" => "outlines",
        _ => null,
    };

    public ReleaseProject Project => _p;

    public CliResult Run(params string[] args) => _p.Run(args);

    /// <summary>The patient folders under raw/ (one per original patient), in ordinal order.</summary>
    public IReadOnlyList<string> PatientFolders() =>
        Directory.GetDirectories(_p.Combine("raw")).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// A third patient the project has not seen, moved into raw/ from a synthetic export of three (the first two are
    /// the project's own), with its labels in a new batch. Returns its folder.
    /// </summary>
    public string AddPatient()
    {
        var staging = _p.Combine("staging");
        SynthWriter.Write(staging, new SynthOptions { Patients = 3, Slices = 3, Matrix = 16 });
        var known = PatientFolders().Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var added = Assert.Single(Directory.GetDirectories(staging), d => !known.Contains(Path.GetFileName(d)));
        var target = _p.Combine("raw", Path.GetFileName(added));
        Directory.Move(added, target);
        Directory.Delete(staging, recursive: true);
        WriteLabels("batch2", [target]);
        return target;
    }

    /// <summary>The pseudonym the vault gives the patient of this folder (<c>dataforge pseudonyms lookup</c> with its original Patient ID and issuer).</summary>
    public string PseudonymOf(string patientFolder)
    {
        var header = Header(patientFolder);
        var lookup = _p.Run("pseudonyms", "lookup", header.GetString(DicomTags.PatientID)!.Trim(), "--issuer", header.GetString(DicomTags.IssuerOfPatientID)?.Trim() ?? "")
            .AssertExit(0);
        return lookup.Out.Trim();
    }

    private string Manifest()
    {
        var (source, annotation) = Labels switch
        {
            "categorical" => ("{id: grades, kind: labels, path: grades, format: csv, key: PatientID}",
                "labels:\n  annotations:\n    - {name: grade, kind: categorical, source: grades, values: [high, low]}\n"),
            "mask" => ("{id: seg, kind: labels, path: masks, format: nifti-mask, key: SeriesInstanceUID}",
                "labels:\n  classes: [{id: 0, name: background}, {id: 1, name: body}]\n  annotations:\n    - {name: body, kind: mask, source: seg}\n"),
            "boxes" => ("{id: coco, kind: labels, path: coco, format: coco}",
                "labels:\n  classes: [{id: 0, name: background}, {id: 1, name: lesion}]\n  annotations:\n    - {name: findings, kind: boxes, source: coco}\n"),
            "coco-mask" => ("{id: coco, kind: labels, path: coco, format: coco}",
                "labels:\n  classes: [{id: 0, name: background}, {id: 1, name: lesion}]\n  annotations:\n    - {name: outlines, kind: mask, source: coco}\n"),
            _ => ((string?)null, ""),
        };
        var pseudonym = Pseudonym switch
        {
            "prefix" => "  pseudonym_prefix: ANON-\n",
            "hash" => "  pseudonym: {format: \"SUBJ-{hash:6}\"}\n",
            "seq" => "  pseudonym: {format: \"SUBJ-{seq:3}\"}\n",
            _ => throw new ArgumentException($"unknown pseudonym form {Pseudonym}"),
        };
        // Curation that does something: the MR series of every patient (the new one too) fail the protocol and are excluded.
        var curate = Curate
            ? "curate:\n  duplicates: {on_fail: exclude}\n  series_integrity: {on_fail: warn}\n  conformance: {on_fail: warn}\n  protocol: {on_fail: exclude, modality: [CT]}\n"
            : "";
        var splits = Splits ? "splits:\n  ratios: {train: 0.5, val: 0.25, test: 0.25}\n  seed: 3\n" : "";
        // The png and coco layouts write 2D images; CT and MR reach them slice by slice.
        var png = Layout is "png" or "coco" ? ", png: {slices: true}" : "";
        return "version: 1\nname: matrix\nsecret: file:matrix.key\nsources:\n  - {id: raw, kind: dicom, path: raw}\n"
            + (source is null ? "" : $"  - {source}\n")
            + curate
            + "deidentify:\n  profile: basic\n" + pseudonym
            + annotation
            + splits
            + $"output: {{layout: {Layout}{png}}}\n";
    }

    /// <summary>Writes the labels of these patients as one new batch, keyed by their original identifiers.</summary>
    private void WriteLabels(string batch, IReadOnlyList<string> patients)
    {
        switch (Labels)
        {
            case "categorical":
                var rows = patients.Select(Header).Select((h, i) =>
                    $"{h.GetString(DicomTags.PatientID)!.Trim()},{h.GetString(DicomTags.IssuerOfPatientID)?.Trim()},{(i % 2 == 0 ? "high" : "low")}");
                Directory.CreateDirectory(_p.Combine("grades"));
                File.WriteAllText(_p.Combine("grades", batch + ".csv"), "PatientID,IssuerOfPatientID,grade\n" + string.Join("\n", rows) + "\n");
                break;
            case "mask":
                // The body (above -500 HU) on each CT series' own grid, named by its original Series Instance UID.
                foreach (var series in patients.SelectMany(CtSeries))
                {
                    var files = series.Select(f => DicomReader.ReadFile(f)).ToList();
                    var stacked = SeriesVolumeBuilder.Build(files);
                    Assert.False(stacked.IsFailure, stacked.FailureReason);
                    var volume = stacked.Volume!;
                    var mask = new Volume(volume.Shape.Take(3).ToArray(), volume.ToSingles().Select(v => v > -500 ? (byte)1 : (byte)0).ToArray(), volume.Affine);
                    Directory.CreateDirectory(_p.Combine("masks"));
                    NiftiWriter.Write(mask, _p.Combine("masks", files[0].Dataset.GetString(DicomTags.SeriesInstanceUID)!.Trim() + ".nii.gz"));
                }
                break;
            case "boxes" or "coco-mask":
                WriteCoco(batch, patients);
                break;
        }
    }

    /// <summary>A COCO file with one object on every CT slice of these patients: a box, or a polygon for masks.</summary>
    private void WriteCoco(string batch, IReadOnlyList<string> patients)
    {
        var images = new List<Dictionary<string, object>>();
        var annotations = new List<Dictionary<string, object>>();
        foreach (var file in patients.SelectMany(CtSeries).SelectMany(s => s))
        {
            var header = DicomReader.ReadFile(file).Dataset;
            var id = images.Count + 1;
            images.Add(new()
            {
                ["id"] = id,
                ["file_name"] = header.GetString(DicomTags.SOPInstanceUID)!.Trim() + ".png",
                ["width"] = (int)header.GetInteger(DicomTags.Columns)!,
                ["height"] = (int)header.GetInteger(DicomTags.Rows)!,
            });
            var shape = new Dictionary<string, object> { ["id"] = id, ["image_id"] = id, ["category_id"] = 1, ["iscrowd"] = 0 };
            if (Labels == "boxes") shape["bbox"] = new[] { 2.0, 3, 5, 4 };
            else shape["segmentation"] = new[] { new[] { 4.0, 4, 10, 4, 10, 10, 4, 10 } };
            annotations.Add(shape);
        }
        var coco = new { images, categories = new[] { new { id = 1, name = "lesion" } }, annotations };
        Directory.CreateDirectory(_p.Combine("coco"));
        File.WriteAllText(_p.Combine("coco", batch + ".json"), JsonSerializer.Serialize(coco));
    }

    private static DicomDataset Header(string patientFolder) =>
        DicomReader.ReadFile(Directory.GetFiles(patientFolder, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First()).Dataset;

    /// <summary>The CT series of a patient, each as its files in ordinal order.</summary>
    private static IEnumerable<IReadOnlyList<string>> CtSeries(string patientFolder) =>
        Directory.GetFiles(patientFolder, "*.dcm", SearchOption.AllDirectories)
            .GroupBy(f => Path.GetDirectoryName(f)!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)g.Order(StringComparer.Ordinal).ToList())
            .Where(s => DicomReader.ReadFile(s[0]).Dataset.GetString(DicomTags.Modality)?.Trim() == "CT");

    public void Dispose() => _p.Dispose();
}
