using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Stages;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Map stage <c>visual-features.facts</c> (with clean-recognizable-visual-features): each DICOM instance is
/// passed through unchanged with its <see cref="VisualFacts"/> as metadata, for the series-level decision.
/// A file that cannot be read is passed through as a series of its own: the deidentify stage reports why. Reading the
/// screened sources themselves (<see cref="DicomScreening"/>), it leaves out what is not DICOM (the screen counts it)
/// and passes on the identifying parts of each file's path (<see cref="CarriedPathIdentifiers"/>), for the leak gate.
/// </summary>
public sealed class VisualFactsStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "visual-features.facts";

    private readonly bool _readsSources;

    /// <param name="sources">The ids it reads: the DICOM sources or curation.</param>
    /// <param name="readsSources">True when they are the screened DICOM sources.</param>
    public VisualFactsStage(IReadOnlyList<string> sources, bool readsSources = false)
    {
        _readsSources = readsSources;
        // 2: reading screened sources, what is not DICOM is left out and path identifiers are carried.
        Definition = new(Id, 2, StageShape.Map, sources) { ReadsInputPaths = readsSources };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        var bytes = item.ReadAllBytes();
        if (_readsSources && DicomScreening.LeavesOut(bytes, bytes.Length)) return StageResult.Success();
        DicomDataset ds;
        try
        {
            ds = DicomReader.Read(bytes, DicomReadOptions.HeaderOnly).Dataset;
        }
        catch (DicomFormatException)
        {
            ds = new DicomDataset();
        }
        var facts = VisualFacts.Of(item.Hash.Hex, ds);
        // The identifying parts of the source path travel on to the leak gate (private metadata).
        return StageResult.Success(new StageOutput($"facts/{item.Hash.Hex}.dcm", item, CarriedPathIdentifiers.Add(facts.ToJson(), item, _readsSources)));
    }
}
