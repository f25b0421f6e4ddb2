using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Stages;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Map stage <c>visual-features.facts</c> (with clean-recognizable-visual-features): each DICOM instance is
/// passed through unchanged with its <see cref="VisualFacts"/> as metadata, for the series-level decision.
/// A file that cannot be read is passed through as a series of its own: the deidentify stage reports why.
/// </summary>
public sealed class VisualFactsStage(IReadOnlyList<string> sources) : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "visual-features.facts";

    public StageDefinition Definition { get; } = new(Id, 1, StageShape.Map, sources);

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        DicomDataset ds;
        try
        {
            ds = DicomReader.Read(item.ReadAllBytes(), DicomReadOptions.HeaderOnly).Dataset;
        }
        catch (DicomFormatException)
        {
            ds = new DicomDataset();
        }
        var facts = VisualFacts.Of(item.Hash.Hex, ds);
        // The identifying parts of the source path travel on to the leak gate (private metadata).
        return StageResult.Success(new StageOutput($"facts/{item.Hash.Hex}.dcm", item, CarriedPathIdentifiers.Add(facts.ToJson(), item.Metadata)));
    }
}
