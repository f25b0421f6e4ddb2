using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Imaging.Png;
using DataForge.Stages.Dicom;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Png;

/// <summary>
/// The JSON sidecar of a PNG image: what a user of the image needs and nothing that identifies the
/// patient (pseudonym, new UIDs, modality, frame, pixel spacing, the window used, the photometric
/// interpretation and bit depth of the PNG, the acquisition parameters the de-identification policy kept
/// (<see cref="AcquisitionFields"/>: scanner and exposure parameters, never free text), and after harmonisation
/// the steps applied, and <c>lossy_compression</c> when lossy data is behind the image). Keys in a fixed order, so the
/// bytes are stable.
/// </summary>
internal sealed class PngSidecar
{
    /// <summary>A window and where it came from: manifest, instance or minmax.</summary>
    public sealed record WindowUsed(VoiWindow Window, string Source);

    private readonly WindowUsed? _window;
    private readonly string _photometric;
    private readonly string? _originalPhotometric;
    private readonly int _bitDepth;
    private readonly int _rows, _columns;
    private readonly double[]? _spacing;
    private readonly string? _spacingAttribute;
    private readonly JsonNode? _acquisition;

    public PngSidecar(string pseudonym, DicomDataset ds, int? frame, int bitDepth, WindowUsed? window, string photometric)
        : this(pseudonym, ds.GetString(DicomTags.StudyInstanceUID)?.Trim(), ds.GetString(DicomTags.SeriesInstanceUID)?.Trim(),
            ds.GetString(DicomTags.SOPInstanceUID)?.Trim(), frame, ds.GetString(DicomTags.Modality)?.Trim(),
            (int)(ds.GetInteger(DicomTags.Rows) ?? 0), (int)(ds.GetInteger(DicomTags.Columns) ?? 0),
            ds.GetString(DicomTags.PhotometricInterpretation)?.Trim(), bitDepth, window, photometric, AcquisitionFields.Read(ds))
    {
        if (SpacingOf(ds) is var (spacing, attribute))
        {
            _spacing = spacing;
            _spacingAttribute = attribute;
        }
    }

    /// <summary>
    /// The instance's pixel spacing (row, column; mm) and the attribute it came from. PS3.3 10.7.1.3: Pixel Spacing is in
    /// the patient; Imager Pixel Spacing at the detector (projection images).
    /// </summary>
    public static (double[] Spacing, string Attribute)? SpacingOf(DicomDataset ds)
    {
        foreach (var tag in new[] { DicomTags.PixelSpacing, DicomTags.ImagerPixelSpacing })
            if (ds.GetNumber(tag, 0) is { } r && ds.GetNumber(tag, 1) is { } c && double.IsFinite(r) && double.IsFinite(c))
                return ([r, c], tag == DicomTags.PixelSpacing ? "PixelSpacing" : "ImagerPixelSpacing");
        // An enhanced instance (a Parametric Map of a float image) keeps it in its shared Pixel Measures.
        return FloatFrames.SharedSpacing(ds) is { } shared ? (shared, "PixelSpacing") : null;
    }

    /// <summary>A sidecar from its values (a harmonised image: its size and spacing are those after the steps).</summary>
    public PngSidecar(string pseudonym, string? study, string? series, string? sop, int? frame, string? modality, int rows, int columns,
        string? originalPhotometric, int bitDepth, WindowUsed? window, string photometric, JsonNode? acquisition,
        double[]? spacing = null, string? spacingAttribute = null)
    {
        Pseudonym = pseudonym;
        StudyUid = study;
        SeriesUid = series;
        SopUid = sop;
        Modality = modality;
        Frame = frame;
        _rows = rows;
        _columns = columns;
        _originalPhotometric = originalPhotometric;
        _bitDepth = bitDepth;
        _window = window;
        _photometric = photometric;
        _acquisition = acquisition;
        _spacing = spacing;
        _spacingAttribute = spacingAttribute;
    }

    /// <summary>The slice of a volume (1-based), for a slice rendered after harmonisation; null for an instance.</summary>
    public int? Slice { get; init; }

    /// <summary>The lossy compression behind the image (<see cref="LossyFacts"/>), or null when its pixels were never lossy-compressed.</summary>
    public JsonNode? Lossy { get; init; }

    /// <summary>The harmonise steps applied before rendering (each with its parameters), or null without steps.</summary>
    public JsonNode? Harmonise { get; init; }

    public string Pseudonym { get; }
    public string? StudyUid { get; }
    public string? SeriesUid { get; }
    public string? SopUid { get; }
    public string? Modality { get; }
    public int? Frame { get; }

    /// <summary>The sidecar's bytes (indented JSON, trailing newline).</summary>
    public byte[] ToJson()
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("pseudonym", Pseudonym);
            Text(json, "study_instance_uid", StudyUid);
            Text(json, "series_instance_uid", SeriesUid);
            Text(json, "sop_instance_uid", SopUid);
            if (Frame is { } f) json.WriteNumber("frame", f); else json.WriteNull("frame");
            if (Slice is { } slice) json.WriteNumber("slice", slice);
            Text(json, "modality", Modality);
            json.WriteNumber("rows", _rows);
            json.WriteNumber("columns", _columns);
            if (_spacing is { } s)
            {
                json.WriteStartArray("pixel_spacing");
                foreach (var v in s) json.WriteRawValue(Number(v));
                json.WriteEndArray();
                json.WriteString("pixel_spacing_attribute", _spacingAttribute);
            }
            else json.WriteNull("pixel_spacing");
            Text(json, "photometric_interpretation", _originalPhotometric);
            json.WriteString("png_colour", _photometric == "RGB" ? "RGB" : "greyscale");
            json.WriteNumber("bit_depth", _bitDepth);
            json.WriteBoolean("inverted", _photometric == "MONOCHROME1");
            if (_window is { } w)
            {
                json.WriteStartObject("window");
                json.WriteString("source", w.Source);
                json.WritePropertyName("center");
                json.WriteRawValue(Number(w.Window.Center));
                json.WritePropertyName("width");
                json.WriteRawValue(Number(w.Window.Width));
                json.WriteString("function", w.Window.Function);
                json.WriteEndObject();
            }
            else json.WriteNull("window");
            json.WritePropertyName("acquisition");
            (_acquisition ?? new JsonObject()).WriteTo(json);
            LossyFacts.Write(json, Lossy);
            if (Harmonise is { } steps)
            {
                json.WritePropertyName("harmonise");
                steps.WriteTo(json);
            }
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void Text(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name); else json.WriteString(name, value);
    }

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
