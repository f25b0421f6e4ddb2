using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Engine.Stages;
using DataForge.Stages.Dicom;

using DataForge.Stages.Harmonise;

namespace DataForge.Stages.Labels;

/// <summary>
/// Mask annotations imported from DICOM SEG files (labels source <c>format: dicom-seg</c>). A SEG carries the
/// patient module, so it is read only here, in the private zone: the series it references (Referenced Series
/// Sequence, else its frames' source images) is an ORIGINAL UID, carried to the de-identified series by
/// <see cref="Identifiers"/> like any other label key. The label volume is painted on that series' volume grid
/// (<see cref="SegImport"/>) and then checked and published exactly as a NIfTI mask (<see cref="MaskImport"/>):
/// <c>labels/ANNOTATION/PSEUDONYM/SERIES.nii.gz</c>. Problems name the SEG by content hash until it is linked,
/// then by pseudonym and series; segments by number (a segment's label is the file's own text). A SEG whose own
/// patient (Patient ID and issuer) is a different de-identified patient than its series' is not imported.
/// </summary>
public static class SegMasks
{
    /// <summary>Reads every file of the source as a SEG, adding published masks, entries and violations.</summary>
    public static void Import(Annotation annotation, IEnumerable<StageItem> files, Identifiers ids, IReadOnlyDictionary<string, ImageGeometry> volumes,
        List<(LabelEntry Entry, Place Place)> entries, List<LabelViolation> violations, List<StageOutput> outputs, CancellationToken cancellationToken)
    {
        foreach (var item in files.OrderBy(f => f.Hash.Short, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var where = item.Hash.Short;
            DicomFile file;
            try
            {
                file = DicomReader.Read(item.ReadAllBytes());
            }
            catch (DicomFormatException e)
            {
                violations.Add(new LabelViolation(where, "format", ReadFailure.Describe(e), null));
                continue;
            }
            if (!DicomSegmentation.IsSegmentation(file))
            {
                violations.Add(new LabelViolation(where, "format", $"not a DICOM SEG (SOP Class UID is not {DicomSegmentation.SopClassUid})", null));
                continue;
            }
            if (Link(file.Dataset, ids, where, violations) is not { } place) continue;
            var name = place.Patient + "/" + place.Series;
            if (file.Dataset.GetString(DicomTags.PatientID) is { } patientId
                && ids.Resolve("patient", patientId, file.Dataset.GetString(DicomTags.IssuerOfPatientID)) is { } owner && owner.Patient != place.Patient)
            {
                violations.Add(new LabelViolation(name, "link", $"the SEG ({where}) belongs to another patient than the series it references", null));
                continue;
            }
            if (!volumes.TryGetValue(place.Series!, out var image))
            {
                violations.Add(new LabelViolation(name, "link", "the series has no image volume", null));
                continue;
            }

            DicomSegmentation seg;
            try
            {
                seg = DicomSegmentation.Read(file);
            }
            catch (DicomFormatException e)
            {
                violations.Add(new LabelViolation(name, "format", Unusable(where, e), null));
                continue;
            }
            var (classes, mapping) = SegImport.ClassesOf(seg, annotation);
            foreach (var (check, message) in mapping) violations.Add(new LabelViolation(name, check, message, place));
            (DataForge.Imaging.Volume? labels, List<(string Check, string Message)> problems) painted;
            var suffix = "";
            try
            {
                // A series cut into several volumes: the SEG goes on the one its frames lie on.
                (image, suffix) = SubSeriesVolumes.Choose(volumes, place.Series!, image,
                    g => SegImport.Paint(seg, g, classes, uid => PlaneOf(ids.FactsOf(uid)), cancellationToken).Problems.Count == 0);
                painted = SegImport.Paint(seg, image, classes, uid => PlaneOf(ids.FactsOf(uid)), cancellationToken);
            }
            catch (DicomFormatException e)
            {
                violations.Add(new LabelViolation(name, "format", Unusable(where, e), null));
                continue;
            }
            foreach (var (check, message) in painted.problems) violations.Add(new LabelViolation(name, check, message, place));
            if (painted.labels is null) continue;

            var (bytes, present, problems) = MaskImport.Check(painted.labels, image, annotation.Classes);
            foreach (var (check, message) in problems) violations.Add(new LabelViolation(name, check, message, place));
            if (bytes is null) continue;
            var path = $"labels/{annotation.Name}/{place.Patient}/{place.Series}{suffix}.nii.gz";
            if (outputs.Any(o => o.Path == path))
            {
                violations.Add(new LabelViolation(name, "conflict", $"two masks name the same series (the second is {where})", place));
                continue;
            }
            outputs.Add(new StageOutput(path, bytes, JsonSerializer.SerializeToElement(new
            {
                label_mask = annotation.Name, pseudonym = place.Patient, series_instance_uid = place.Series, image = image.Path,
                volume_id = SubSeriesVolumes.VolumeId(image, suffix),
            })));
            entries.Add((new LabelEntry { Patient = place.Patient, Study = place.Study, Series = place.Series, Mask = path, Classes = present }, place));
        }
    }

    private static string Unusable(string where, DicomFormatException e) =>
        $"not a usable DICOM SEG ({where}): {e.Reason}{(e.Tag is { } t ? $" in {t}" : "")}";

    /// <summary>The one de-identified series a SEG references, or null with a link violation.</summary>
    private static Place? Link(DicomDataset ds, Identifiers ids, string where, List<LabelViolation> violations)
    {
        var (series, instances) = DicomSegmentation.References(ds);
        var places = series.Count > 0
            ? series.Select(uid => ids.Resolve("series", uid, null))
            : instances.Select(uid => ids.Resolve("image", uid, null)).Select(p => p is null ? null : p with { Image = null });
        var found = places.OfType<Place>().DistinctBy(p => p.Series).ToList();
        if (found.Count == 1) return found[0];
        violations.Add(new LabelViolation(where, "link", found.Count == 0
            ? series.Count + instances.Count == 0
                ? "the SEG references no series (no Referenced Series Sequence and no source images)"
                : "the SEG references no de-identified series (neither its Referenced Series Sequence nor its source images name one that was built)"
            : $"the SEG references {found.Count} series; one SEG labels one series", null));
        return null;
    }

    private static SegImport.Plane? PlaneOf(JsonElement? facts)
    {
        if (facts is not { ValueKind: JsonValueKind.Object } m) return null;
        var position = Numbers(m, "image_position_patient");
        var orientation = Numbers(m, "image_orientation_patient");
        var spacing = Numbers(m, "pixel_spacing");
        return position is { Length: 3 } && orientation is { Length: 6 } && spacing is { Length: 2 } ? new SegImport.Plane(position, orientation, spacing) : null;
    }

    private static double[]? Numbers(JsonElement m, string name) =>
        m.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetDouble()).ToArray() : null;
}
