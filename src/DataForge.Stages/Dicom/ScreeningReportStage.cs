using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Dicom;

/// <summary>
/// Reduce stage <c>dicom.screening-report</c>: <c>screening.json</c> next to the outputs, the files of the DICOM sources that
/// the screens (<see cref="DicomScreenStage"/>) kept out of the build, when there are any (no file otherwise): counts
/// per verdict and every file by source id, SHA-256, size, verdict and reason, never a path. It reads only the
/// screens' records, so it reruns only when the set of skipped files changes. The build summary and the release
/// manifest read it; the de-identification report counts it.
/// <code>
/// { "skipped": 3, "not_dicom": 1, "media_storage_directory": 1, "unreadable": 1,
///   "files": [ { "source": "raw", "sha256": "…", "size": 812, "verdict": "not-dicom", "reason": "…" } ] }
/// </code>
/// </summary>
public sealed class ScreeningReportStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "dicom.screening-report";

    /// <summary>Bump when the report of the same records changes.</summary>
    public const int Version = 1;

    /// <summary>Output path.</summary>
    public const string FileName = "screening.json";

    /// <summary>The metadata property of the report's output holding the counts (<see cref="MediaStorageDirectoryCount"/>, ...).</summary>
    public const string CountsProperty = "screening";

    /// <summary>Count names, as in the report.</summary>
    public const string MediaStorageDirectoryCount = "media_storage_directory", NotDicomCount = "not_dicom", UnreadableCount = "unreadable";

    /// <summary>The record metadata property holding the verdict.</summary>
    public const string VerdictProperty = "screen";

    /// <param name="screens">The ids of the screen stages.</param>
    public ScreeningReportStage(IReadOnlyList<string> screens)
    {
        Definition = new StageDefinition(Id, Version, StageShape.Reduce, screens)
        {
            Publish = true,
            InputPaths = screens.ToDictionary(s => s, IReadOnlyList<string> (_) => [DicomScreenStage.SkippedFolder + "**"], StringComparer.Ordinal),
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var records = input.Items.Select(i => i.Metadata).Where(m => m.TryGetProperty(VerdictProperty, out _))
            .Select(m => new Record(m.GetProperty("source").GetString()!, m.GetProperty("sha256").GetString()!, m.GetProperty("size").GetInt64(),
                m.GetProperty(VerdictProperty).GetString()!, m.GetProperty("reason").GetString()!))
            .OrderBy(r => r.Source, StringComparer.Ordinal).ThenBy(r => r.Verdict, StringComparer.Ordinal)
            .ThenBy(r => r.Sha256, StringComparer.Ordinal).ThenBy(r => r.Reason, StringComparer.Ordinal)
            .ToList();
        if (records.Count == 0) return StageResult.Success();
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("skipped", records.Count);
            json.WriteNumber(NotDicomCount, records.Count(r => r.Verdict == DicomScreenStage.NotDicom));
            json.WriteNumber(MediaStorageDirectoryCount, records.Count(r => r.Verdict == DicomScreenStage.Directory));
            json.WriteNumber(UnreadableCount, records.Count(r => r.Verdict == DicomScreenStage.Unreadable));
            json.WriteStartArray("files");
            foreach (var r in records)
            {
                json.WriteStartObject();
                json.WriteString("source", r.Source);
                json.WriteString("sha256", r.Sha256);
                json.WriteNumber("size", r.Size);
                json.WriteString("verdict", r.Verdict);
                json.WriteString("reason", r.Reason);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.Write("\n"u8);
        // The counts also in the metadata, for the de-identification report (which reads metadata only).
        var counts = new Dictionary<string, int>
        {
            [MediaStorageDirectoryCount] = records.Count(r => r.Verdict == DicomScreenStage.Directory),
            [NotDicomCount] = records.Count(r => r.Verdict == DicomScreenStage.NotDicom),
            [UnreadableCount] = records.Count(r => r.Verdict == DicomScreenStage.Unreadable),
        };
        var metadata = JsonSerializer.SerializeToElement(new Dictionary<string, object> { [CountsProperty] = counts });
        return StageResult.Success(new StageOutput(FileName, buffer.ToArray(), metadata));
    }

    private sealed record Record(string Source, string Sha256, long Size, string Verdict, string Reason);
}
