using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Stages;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// The <c>sop_classes</c> part of <c>deidentification.json</c>: per SOP class, how many instances that reached the
/// deidentify stage were published, excluded (by <see cref="DeidExclusions"/> reason code) and failed, so a data
/// manager sees what a policy lost. Published instances are read from the deidentify stage's metadata (its SOP class
/// and the item it was made from); every other item the stage reads is read again here and asked the stage's own
/// exclusion question: excluded with that code, else failed (the leak gate, a file that cannot be de-identified).
/// What the screens, curation and the visual features policy left out before the stage is reported where they are.
/// </summary>
internal sealed class SopClassCensus(PixelCleaner? pixels, EncapsulatedDocuments documents, bool screened)
{
    /// <summary>Files that cannot be read have no SOP class: they are counted under this name.</summary>
    public const string Unreadable = "(unreadable)";

    private readonly HashSet<string> _publishedInputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StageItem> _candidates = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    /// <summary>An item the deidentify stage reads, by the key it is known by (its content hash).</summary>
    public void Candidate(StageItem item, string key) => _candidates.TryAdd(key, item);

    /// <summary>A published instance's metadata.</summary>
    public void Published(JsonElement metadata)
    {
        if (metadata.TryGetProperty(DeidentifyStage.InputProperty, out var input) && input.GetString() is { } hash) _publishedInputs.Add(hash);
        var sopClass = metadata.TryGetProperty("sop_class_uid", out var s) ? s.GetString() ?? "" : "";
        if (sopClass.Length > 0) TallyOf(sopClass).Published++;
    }

    /// <summary>Writes <c>sop_classes</c>; <paramref name="leftOut"/> are items the visual features policy excluded before the stage.</summary>
    public void Write(Utf8JsonWriter json, IReadOnlySet<string> leftOut)
    {
        foreach (var (key, item) in _candidates.OrderBy(c => c.Key, StringComparer.Ordinal))
            if (!_publishedInputs.Contains(key) && !leftOut.Contains(key)) Count(item);
        json.WriteStartObject("sop_classes");
        foreach (var (sopClass, tally) in _tallies)
        {
            json.WriteStartObject(sopClass);
            json.WriteNumber("published", tally.Published);
            json.WriteStartObject("excluded");
            foreach (var (code, n) in tally.Excluded) json.WriteNumber(code, n);
            json.WriteEndObject();
            json.WriteNumber("failed", tally.Failed);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private void Count(StageItem item)
    {
        var bytes = item.ReadAllBytes();
        // What the screens leave out (not DICOM, DICOMDIRs, damaged files) they count themselves.
        if (screened && DicomScreening.LeavesOut(bytes, bytes.Length)) return;
        DicomFile file;
        try { file = DicomReader.Read(bytes, bytes.Length); }
        catch (DicomFormatException)
        {
            TallyOf(Unreadable).Failed++;
            return;
        }
        if (MediaStorageDirectory.Is(file)) return;
        var sopClass = file.Dataset.GetString(DicomTags.SOPClassUID)?.Trim().TrimEnd('\0') ?? file.Meta.GetString(DicomTags.MediaStorageSOPClassUID) ?? "";
        var tally = TallyOf(sopClass.Length > 0 ? sopClass : Unreadable);
        if (DeidExclusions.Check(file, pixels, documents, out _) is { } excluded)
            tally.Excluded[excluded.Code] = tally.Excluded.GetValueOrDefault(excluded.Code) + 1;
        else tally.Failed++;
    }

    private Tally TallyOf(string sopClass)
    {
        if (!_tallies.TryGetValue(sopClass, out var tally)) _tallies[sopClass] = tally = new Tally();
        return tally;
    }

    private sealed class Tally
    {
        public int Published { get; set; }
        public int Failed { get; set; }
        public SortedDictionary<string, int> Excluded { get; } = new(StringComparer.Ordinal);
    }
}
