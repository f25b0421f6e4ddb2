using System.Text.Json;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Labels;

/// <summary>
/// Carries an original identifier named by a label to what de-identification made of it, as a pure
/// function of the project secret (no lookup table leaves the private zone): a PatientID (with its
/// issuer, when the label gives one) to the patient's pseudonym, a Study/Series/SOP Instance UID to
/// its new 2.25 UID. Then looks the result up among the de-identified instances, so a label that names
/// no image is known.
/// </summary>
public sealed class Identifiers
{
    private const string StandardUidRoot = "1.2.840.10008.";
    private readonly KeyedIdentity _keys;
    private readonly LabelPseudonyms _pseudonyms;
    private readonly HashSet<string> _patients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Place> _studies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Place> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Place> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _facts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<int>> _frames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Place?> _accessions = new(StringComparer.Ordinal);

    /// <param name="keys">The project secret's keyed identity.</param>
    /// <param name="pseudonyms">How de-identification wrote the patients' pseudonyms (format and, for <c>{seq:N}</c>, numbers).</param>
    public Identifiers(KeyedIdentity keys, LabelPseudonyms pseudonyms)
    {
        _keys = keys;
        _pseudonyms = pseudonyms;
    }

    /// <summary>The ids of the manifest's image sources, whose images a COCO <c>file_name</c> can name by path (<see cref="ResolveImageFile"/>).</summary>
    public IReadOnlyList<string> ImageSources { get; init; } = [];

    /// <summary>
    /// The de-identified image an image source's file became, by its path relative to the source folder (extension
    /// ignored), or null when no image source has it.
    /// </summary>
    public Place? ResolveImageFile(string path)
    {
        var stem = Dicom.ImageSourceInstances.StemOf(path.Trim().Replace('\\', '/').TrimStart('/'));
        foreach (var source in ImageSources)
            if (Resolve("image", Dicom.ImageSourceInstances.Uid(source, stem), null) is { } place) return place;
        return null;
    }

    /// <summary>The de-identified image whose sidecar gave it <paramref name="id"/> (an image source's fields.id), or null.</summary>
    public Place? ResolveImageId(string id)
    {
        foreach (var source in ImageSources)
            if (Resolve("image", Dicom.ImageSourceInstances.UidOfId(source, id), null) is { } place) return place;
        return null;
    }

    /// <summary>The DICOM keyword of the identifier at a label level.</summary>
    public static string KeywordOf(string level) => level switch
    {
        "patient" => "PatientID",
        "study" => "StudyInstanceUID",
        "series" => "SeriesInstanceUID",
        _ => "SOPInstanceUID",
    };

    /// <summary>Adds a de-identified instance from its stage metadata (pseudonym and new UIDs).</summary>
    public void Add(JsonElement metadata)
    {
        var patient = Text(metadata, "pseudonym");
        if (patient is null) return;
        _patients.Add(patient);
        var place = new Place(patient, Text(metadata, "study_instance_uid"), Text(metadata, "series_instance_uid"), Text(metadata, "sop_instance_uid"));
        if (place.Study is { } st) _studies.TryAdd(st, place with { Series = null, Image = null });
        if (place.Series is { } se) _series.TryAdd(se, place with { Image = null });
        if (place.Image is { } im && _images.TryAdd(im, place)) _facts[im] = metadata;
        if (place.Image is { } image)
        {
            if (!_frames.TryGetValue(image, out var counts)) _frames[image] = counts = [];
            counts.Add(metadata.TryGetProperty("number_of_frames", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var f) && f > 1 ? f : 1);
        }
        if (Text(metadata, DeidentifyStage.AccessionTokenProperty) is { } token && place.Study is { } study)
        {
            var at = place with { Series = null, Image = null };
            // One accession number on two studies names neither: it resolves to nothing.
            if (!_accessions.TryAdd(token, at) && _accessions[token] is { } known && known.Study != study) _accessions[token] = null;
        }
    }

    /// <summary>The de-identified study an original Accession Number went to, or null (none, or more than one study carries it).</summary>
    public Place? ResolveAccession(string original) =>
        original.Trim() is { Length: > 0 } value && _accessions.TryGetValue(_keys.AccessionToken(value), out var place) ? place : null;

    /// <summary>The header facts of the de-identified instance an original SOP Instance UID became, or null.</summary>
    public JsonElement? FactsOf(string originalSopInstanceUid) =>
        Resolve("image", originalSopInstanceUid, null) is { Image: { } uid } && _facts.TryGetValue(uid, out var facts) ? facts : null;

    /// <summary>
    /// The numbers of frames of the de-identified instances with a new SOP Instance UID (one instance, one count;
    /// exports that reuse a UID for a multi-frame and a single-frame copy give two).
    /// </summary>
    public IReadOnlyCollection<int> FrameCounts(string sopInstanceUid) => _frames.TryGetValue(sopInstanceUid, out var counts) ? counts : [];

    /// <summary>Every de-identified patient, series, ... at a level, as places.</summary>
    public IEnumerable<Place> All(string level) => level switch
    {
        "patient" => _patients.Order(StringComparer.Ordinal).Select(p => new Place(p, null, null, null)),
        "study" => _studies.Values,
        "series" => _series.Values,
        _ => _images.Values,
    };

    /// <summary>Where an original identifier at a level went, or null when no de-identified instance carries it.</summary>
    public Place? Resolve(string level, string original, string? issuer)
    {
        original = original.Trim();
        if (original.Length == 0) return null;
        if (level == "patient")
        {
            // The patient key of Deidentifier.PatientKey for a Patient ID (and its issuer), written in the policy's format.
            var pseudonym = _pseudonyms.Of(_keys.PatientToken("id:" + (issuer?.Trim() ?? "") + "\0" + original));
            return pseudonym is not null && _patients.Contains(pseudonym) ? new Place(pseudonym, null, null, null) : null;
        }
        var uid = original.StartsWith(StandardUidRoot, StringComparison.Ordinal) ? original : _keys.Uid(original);
        var map = level switch { "study" => _studies, "series" => _series, _ => _images };
        if (map.TryGetValue(uid, out var place)) return place;
        // An image of an image source: named by its sidecar's id (fields.id), or by its path in the source folder.
        if (level == "image" && ImageSources.Count > 0 && !original.StartsWith("2.25.", StringComparison.Ordinal))
            return ResolveImageId(original) ?? ResolveImageFile(original);
        return null;
    }

    private static string? Text(JsonElement m, string name) =>
        m.ValueKind == JsonValueKind.Object && m.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>A de-identified item: pseudonym and, below patient level, new UIDs; <see cref="Frame"/> (from 1) names one frame of a multi-frame image.</summary>
public sealed record Place(string Patient, string? Study, string? Series, string? Image, int? Frame = null)
{
    /// <summary>The identifier of the place at its own level (for ordering and reports): a frame is IMAGE/FRAME.</summary>
    public string Key => Image is { } image ? Frame is { } f ? $"{image}/{f.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : image : Series ?? Study ?? Patient;
}
