using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Dicom;

/// <summary>
/// Map stage <c>headers</c>: reads each source file's DICOM header (stopping before Pixel Data) and
/// records the facts later stages group and check on: SOP class and instance, study, series, frame of
/// reference, modality, geometry and image shape. A file that is not DICOM, or is broken, fails with the
/// parser's reason and byte offset and is quarantined; the rest of the build goes on.
/// The record is metadata in the private store (it holds UIDs), never published.
/// </summary>
public sealed class DicomHeaderStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "headers";

    /// <summary>Bump when the recorded facts change.</summary>
    public const int Version = 2;

    public DicomHeaderStage(IReadOnlyList<string> sources)
    {
        Definition = new StageDefinition(Id, Version, StageShape.Map, sources);
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        DicomFile file;
        try
        {
            // The engine checks content against its hash as it is read, so the bytes are read whole;
            // the parse itself stops before Pixel Data.
            file = DicomReader.Read(item.ReadAllBytes(), DicomReadOptions.HeaderOnly);
        }
        catch (DicomFormatException e)
        {
            return StageResult.Failed(ReadFailure.Describe(e));
        }
        var bytes = HeaderFacts.ToJson(file);
        var metadata = JsonDocument.Parse(bytes).RootElement.Clone();
        // Named by content hash: a path chosen from content, never from the source's (possibly identifying) name.
        return StageResult.Success(new StageOutput($"headers/{ContentHash.Of(bytes)}.json", bytes, metadata));
    }
}
