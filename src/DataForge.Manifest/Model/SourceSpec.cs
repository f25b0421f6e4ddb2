namespace DataForge.Manifest.Model;

/// <summary>One entry of <c>sources:</c>.</summary>
public sealed record SourceSpec
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public string? Path { get; init; }
    public string? Url { get; init; }
    public IReadOnlyList<string> Include { get; init; } = [];
    public IReadOnlyList<string> Exclude { get; init; } = [];
    public string? Format { get; init; }
    public string? Key { get; init; }

    /// <summary>
    /// NIfTI and Analyze sources: a regular expression with a named group <c>subject</c> (and optionally
    /// <c>session</c>) matched against each image's source-relative path; null means BIDS folders
    /// (<c>sub-LABEL/[ses-LABEL/]</c>).
    /// </summary>
    public string? Subject { get; init; }

    /// <summary>
    /// DICOM sources: what a file that looks like DICOM but cannot be read (damaged, truncated) does: <c>exclude</c>
    /// (the default: reported, listed by hash in the release manifest, the build and the release go on) or <c>fail</c>
    /// (the build fails and no release can be made until it is fixed or removed). Files that are not DICOM at all are
    /// skipped and counted either way.
    /// </summary>
    public string OnUnreadable { get; init; } = "exclude";

    /// <summary>
    /// DICOMweb sources: the QIDO-RS query, attribute keyword -> a value or a list of values (a list is matched as
    /// any of them); study-level keywords select studies, series-level ones (Modality, SeriesDescription, ...)
    /// select series within them. Bound by the source's reader (<c>DicomWebQuery</c>).
    /// </summary>
    public System.Text.Json.Nodes.JsonObject? Query { get; init; }

    /// <summary>DICOMweb sources and destinations: where the credentials come from, never the credentials.</summary>
    public DicomWebAuth? Auth { get; init; }

    /// <summary>DICOMweb sources and destinations: a PEM file of certificate authorities trusted besides the system's.</summary>
    public string? CaFile { get; init; }

    /// <summary>NIfTI, Analyze and image sources: the modality of every image (CT, MR, PT, ...) when no sidecar says it.</summary>
    public string? Modality { get; init; }

    /// <summary>
    /// Image sources: where each of the image's facts is in its sidecar (subject, study, series, modality, laterality,
    /// view, pixel_spacing, labels): a JSONPath-like (<c>$.patient.id</c>), XPath-like (<c>/meta/patient/@id</c>) selector
    /// or, with a metadata table, a column name.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Fields { get; init; }

    /// <summary>Image sources: a CSV table of metadata, relative to the source folder, one row per image keyed by its file name.</summary>
    public string? Metadata { get; init; }
}
