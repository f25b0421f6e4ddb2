using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Engine.Stages;
using DataForge.Stages.Dicom;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Labels;

/// <summary>
/// Mask annotations imported from DICOM SEG files (labels source <c>format: dicom-seg</c>). A SEG carries the
/// patient module, so it is read only here, in the private zone: the series it references (Referenced Series
/// Sequence, else its frames' source images) is an ORIGINAL UID, carried to the de-identified series by
/// <see cref="Identifiers"/> like any other label key. The label volume is painted on that series' volume grid
/// (<see cref="SegImport"/>) and then checked and published exactly as a NIfTI mask (<see cref="MaskImport"/>):
/// <c>labels/ANNOTATION/PSEUDONYM/SERIES.nii.gz</c>. Problems name the SEG by content hash until it is linked,
/// then by pseudonym and series; segments by number (a segment's label is the file's own text). A SEG whose own
/// patient (Patient ID and issuer) is a different de-identified patient than its series' is not imported. A SEG that
/// references several series (Referenced Series Sequence items, or frames whose source images lie in several series)
/// is split: each frame goes to the series of its source image and each part is painted on its series' volume and
/// published as that series' mask; a frame whose source image is in none of them is reported.
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
            if (Link(file.Dataset, ids, where, violations) is not { Count: > 0 } places) continue;
            if (file.Dataset.GetString(DicomTags.PatientID) is { } patientId
                && ids.Resolve("patient", patientId, file.Dataset.GetString(DicomTags.IssuerOfPatientID)) is { } owner && places.Any(p => owner.Patient != p.Patient))
            {
                violations.Add(new LabelViolation(places.Count == 1 ? places[0].Patient + "/" + places[0].Series : where, "link",
                    $"the SEG ({where}) belongs to another patient than the series it references", null));
                continue;
            }

            DicomSegmentation seg;
            try
            {
                seg = DicomSegmentation.Read(file);
            }
            catch (DicomFormatException e)
            {
                violations.Add(new LabelViolation(places.Count == 1 ? places[0].Patient + "/" + places[0].Series : where, "format", Unusable(where, e), null));
                continue;
            }
            var parts = Parts(seg, places, ids, where, violations);
            var (classes, mapping) = SegImport.ClassesOf(seg, annotation);
            foreach (var (place, frames) in parts)
            {
                var name = place.Patient + "/" + place.Series;
                foreach (var (check, message) in mapping) violations.Add(new LabelViolation(name, check, message, place));
                if (!volumes.TryGetValue(place.Series!, out var image))
                {
                    violations.Add(new LabelViolation(name, "link", "the series has no image volume", null));
                    continue;
                }
                var only = places.Count == 1 ? null : frames;
                (DataForge.Imaging.Volume? labels, List<(string Check, string Message)> problems) painted;
                var suffix = "";
                try
                {
                    // A series cut into several volumes: the SEG goes on the one its frames lie on.
                    // Painting is the test: the chosen volume's painting is kept, not made again.
                    (image, suffix, painted) = SubSeriesVolumes.Choose(volumes, place.Series!, image,
                        g => SegImport.Paint(seg, g, classes, uid => PlaneOf(ids.FactsOf(uid)), cancellationToken, only), p => p.Problems.Count == 0);
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
    }

    /// <summary>
    /// The frames of each referenced series: a frame goes to the series of its source image; with one series, every
    /// frame is that series' (placed by its own plane when its source image is unknown). A frame of a SEG referencing
    /// several series whose source image is in none of them is reported.
    /// </summary>
    private static List<(Place Place, HashSet<int> Frames)> Parts(DicomSegmentation seg, IReadOnlyList<Place> places, Identifiers ids, string where,
        List<LabelViolation> violations)
    {
        var parts = places.OrderBy(p => p.Series, StringComparer.Ordinal).Select(p => (Place: p, Frames: new HashSet<int>())).ToList();
        if (parts.Count == 1)
        {
            parts[0].Frames.UnionWith(seg.Frames.Select(f => f.Index));
            return parts;
        }
        var unplaced = new List<int>();
        foreach (var frame in seg.Frames)
        {
            var series = frame.SourceInstances.Select(uid => ids.Resolve("image", uid, null)?.Series).FirstOrDefault(s => s is not null);
            var part = parts.FindIndex(p => p.Place.Series == series);
            if (part < 0) unplaced.Add(frame.Index + 1);
            else parts[part].Frames.Add(frame.Index);
        }
        if (unplaced.Count > 0)
            violations.Add(new LabelViolation(where, "link", $"the SEG references {parts.Count} series and {unplaced.Count} of its frames (frame {string.Join(", ", unplaced.Take(10))}{(unplaced.Count > 10 ? ", ..." : "")}) have no source image in any of them; they are not painted", null));
        return parts.Where(p => p.Frames.Count > 0).ToList();
    }

    private static string Unusable(string where, DicomFormatException e) =>
        $"not a usable DICOM SEG ({where}): {e.Reason}{(e.Tag is { } t ? $" in {t}" : "")}";

    /// <summary>The de-identified series a SEG references (Referenced Series Sequence and source images), or null with a link violation.</summary>
    private static List<Place>? Link(DicomDataset ds, Identifiers ids, string where, List<LabelViolation> violations)
    {
        var (series, instances) = DicomSegmentation.References(ds);
        var places = series.Select(uid => ids.Resolve("series", uid, null))
            .Concat(instances.Select(uid => ids.Resolve("image", uid, null)).Select(p => p is null ? null : p with { Image = null }));
        var found = places.OfType<Place>().DistinctBy(p => p.Series).ToList();
        if (found.Count > 0) return found;
        violations.Add(new LabelViolation(where, "link", series.Count + instances.Count == 0
            ? "the SEG references no series (no Referenced Series Sequence and no source images)"
            : "the SEG references no de-identified series (neither its Referenced Series Sequence nor its source images name one that was built)", null));
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
