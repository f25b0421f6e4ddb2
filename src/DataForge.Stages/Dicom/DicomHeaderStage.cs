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
/// parser's reason and byte offset and is quarantined, unless the sources are screened (<see cref="DicomScreening"/>):
/// then its screen counts, excludes or fails it. The rest of the build goes on.
/// The record is metadata in the private store (it holds UIDs), never published.
/// </summary>
public sealed class DicomHeaderStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "headers";

    /// <summary>Bump when the recorded facts change.</summary>
    /// <remarks>3: lossy_compression of a lossy-compressed instance.</remarks>
    public const int Version = 3;

    private readonly bool _screened;

    /// <param name="sources">Ids of the DICOM sources.</param>
    /// <param name="screened">
    /// True when the sources are screened (<see cref="DicomScreening"/>): a file that is not DICOM, a DICOMDIR or a file
    /// that does not parse gets no output and no failure, since its screen counts, excludes or fails it.
    /// </param>
    public DicomHeaderStage(IReadOnlyList<string> sources, bool screened = false)
    {
        _screened = screened;
        Definition = new StageDefinition(Id, Version, StageShape.Map, sources, screened ? CanonicalJson.Parse("""{"screened":true}""") : null);
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        DicomFile file;
        // The engine checks content against its hash as it is read, so the bytes are read whole;
        // the parse itself stops before Pixel Data.
        var content = item.ReadAllBytes();
        if (_screened && DicomScreening.LeavesOut(content, content.Length)) return StageResult.Success();
        try
        {
            file = DicomReader.Read(content, DicomReadOptions.HeaderOnly);
        }
        catch (DicomFormatException e)
        {
            return _screened ? StageResult.Success() : StageResult.Failed(ReadFailure.Describe(e));
        }
        if (_screened && Deidentify.MediaStorageDirectory.Is(file)) return StageResult.Success();
        var bytes = HeaderFacts.ToJson(file);
        var metadata = JsonDocument.Parse(bytes).RootElement.Clone();
        // Named by content hash: a path chosen from content, never from the source's (possibly identifying) name.
        return StageResult.Success(new StageOutput($"headers/{ContentHash.Of(bytes)}.json", bytes, metadata));
    }
}
