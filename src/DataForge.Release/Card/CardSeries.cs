using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;

namespace DataForge.Release.Card;

/// <summary>
/// One imaging series of a release as the card counts it, gathered from the reviewer facts of its image files
/// (DICOM instances, NIfTI volumes, PNG images; label files are counted apart): who and where (pseudonym,
/// de-identified study, split, modality, manufacturer, body part) and its geometry in real units.
/// </summary>
public sealed record CardSeries
{
    public required string Series { get; init; }
    public string? Patient { get; init; }
    public string? Study { get; init; }
    public string? Split { get; init; }
    public string? Modality { get; init; }
    public string? Manufacturer { get; init; }
    public string? BodyPart { get; init; }

    /// <summary>Manufacturer's Model Name, as the policy kept it.</summary>
    public string? Model { get; init; }

    /// <summary>Patient's Sex (M, F, O), when the policy kept it.</summary>
    public string? Sex { get; init; }

    /// <summary>The patient's ten-year age band at the study ("40-49", "90+"), when the policy kept the age.</summary>
    public string? AgeBand { get; init; }

    /// <summary>The study's year after date shifting, when the policy kept the study date.</summary>
    public string? StudyYear { get; init; }

    /// <summary>DICOM instances, NIfTI volumes and PNG images of the series in the release.</summary>
    public int Instances { get; init; }
    public int Volumes { get; init; }
    public int Images { get; init; }

    /// <summary>In-plane voxel spacing (mm, the smaller of the two), when known.</summary>
    public double? InPlaneSpacing { get; init; }

    /// <summary>Slice thickness or, for a volume, its third spacing (mm), when known.</summary>
    public double? SliceThickness { get; init; }

    /// <summary>Rows x columns (or the volume's first two dimensions), when known.</summary>
    public string? Matrix { get; init; }

    /// <summary>Slices: the volume's third dimension, else the number of instances (each frame counted).</summary>
    public int? Length { get; init; }

    /// <summary>Labels of the series' files (ANNOTATION=VALUE for categorical labels).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>
    /// The series of a release's image files, sorted by series UID (ordinal). A volume whose item records no
    /// geometry (the training layouts record only who and where) is measured from its NIfTI header, read by
    /// <paramref name="readObject"/> (SHA-256 to pinned bytes, or null) when the store holds it.
    /// </summary>
    public static IReadOnlyList<CardSeries> Of(ReleaseManifest m, Func<string, byte[]?>? readObject = null)
    {
        var result = new List<CardSeries>();
        var images = m.Files.Where(f => f.Series is not null && f.Kind is OutputKinds.DicomInstance or OutputKinds.NiftiVolume or OutputKinds.PngImage);
        foreach (var g in images.GroupBy(f => f.Series!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var files = g.ToList();
            string? First(string member) => files.Select(f => ReleaseItem.Text(f.Item, member)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
            var volume = files.FirstOrDefault(f => f.Kind == OutputKinds.NiftiVolume && f.Item["geometry"] is JsonObject);
            var instance = files.FirstOrDefault(f => f.Kind == OutputKinds.DicomInstance && f.Item["geometry"] is JsonObject);
            double? inPlane = null, thickness = null;
            string? matrix = null;
            int? length = null;
            if (volume?.Item["geometry"] is JsonObject vg)
            {
                var spacing = Numbers(vg["spacing"]);
                var shape = Numbers(vg["shape"]);
                if (spacing.Count >= 2) inPlane = Math.Min(spacing[0], spacing[1]);
                if (spacing.Count >= 3) thickness = spacing[2];
                if (shape.Count >= 2) matrix = $"{shape[0]:0}x{shape[1]:0}";
                length = shape.Count >= 3 ? (int)shape[2] : Numbers(vg["slices"]).Select(v => (int?)v).FirstOrDefault();
            }
            if (volume is null && instance is null && readObject is not null
                && files.FirstOrDefault(f => f.Kind == OutputKinds.NiftiVolume) is { } nifti && Header(readObject(nifti.Sha256), nifti.Path) is { } header
                && header.Dim.Length >= 4 && header.Pixdim.Length >= 4)
            {
                var dims = (int)header.Dim[0];
                inPlane = Math.Min(header.Pixdim[1], header.Pixdim[2]);
                matrix = $"{header.Dim[1]}x{header.Dim[2]}";
                if (dims >= 3)
                {
                    thickness = header.Pixdim[3];
                    length = (int)header.Dim[3];
                }
            }
            if (instance?.Item["geometry"] is JsonObject ig)
            {
                var spacing = Numbers(ig["pixel_spacing"]);
                if (inPlane is null && spacing.Count >= 2) inPlane = Math.Min(spacing[0], spacing[1]);
                thickness ??= Numbers(ig["slice_thickness"]).Select(v => (double?)v).FirstOrDefault();
                var rows = Numbers(ig["rows"]);
                var columns = Numbers(ig["columns"]);
                if (matrix is null && rows.Count == 1 && columns.Count == 1) matrix = $"{rows[0]:0}x{columns[0]:0}";
                length ??= files.Where(f => f.Kind == OutputKinds.DicomInstance)
                    .Sum(f => f.Item["geometry"] is JsonObject fg && Numbers(fg["number_of_frames"]) is [var n] ? (int)n : 1);
            }
            result.Add(new CardSeries
            {
                Series = g.Key,
                Patient = First("patient"),
                Study = First("study"),
                Split = First("split"),
                Modality = First("modality"),
                Manufacturer = First("manufacturer"),
                BodyPart = First("body_part"),
                Model = First("model"),
                Sex = First("sex"),
                AgeBand = First("age_band"),
                StudyYear = First("study_year"),
                Instances = files.Count(f => f.Kind == OutputKinds.DicomInstance),
                Volumes = files.Count(f => f.Kind == OutputKinds.NiftiVolume),
                Images = files.Count(f => f.Kind == OutputKinds.PngImage),
                InPlaneSpacing = inPlane,
                SliceThickness = thickness,
                Matrix = matrix,
                Length = length,
                Labels = files.SelectMany(f => LabelsOf(f.Item)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            });
        }
        return result;
    }

    private static NiftiHeader? Header(byte[]? bytes, string name)
    {
        if (bytes is null) return null;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return NiftiReader.ReadHeader(stream, name);
        }
        catch (Exception e) when (e is ImagingException or IOException or InvalidDataException)
        {
            // Not a NIfTI file after all: the card leaves its geometry out rather than guess.
            return null;
        }
    }

    /// <summary>The label names or values an item carries (an array, an object's member names, or one value).</summary>
    public static IEnumerable<string> LabelsOf(JsonObject item) => item["labels"] switch
    {
        JsonArray array => array.Select(Scalar).OfType<string>(),
        JsonObject obj => obj.Select(p => p.Key),
        JsonValue value when Scalar(value) is { } one => [one],
        _ => [],
    };

    private static string? Scalar(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.ToJsonString(),
            _ => null,
        }
        : null;

    /// <summary>A number or an array of numbers as a list (DICOM multi-values arrive as arrays); anything else is empty.</summary>
    private static List<double> Numbers(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => [v.GetValue<double>()],
        JsonArray a => a.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.Number).Select(v => v.GetValue<double>()).ToList(),
        _ => [],
    };
}
