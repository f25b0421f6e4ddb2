using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Labels;

/// <summary>
/// Map stage <c>labels.ANNOTATION.files</c>: publishes a mask annotation's label file and report
/// (<c>labels/ANNOTATION.json</c>, <c>labels/ANNOTATION.report.json</c>) as they are, and not its masks. Used with the
/// nnunet and monai layouts, whose export publishes the masks on the final grid (labelsTr, labels/CASE.nii.gz): the labels stage
/// then publishes nothing itself, so a mask is published once. The label file's items lose their <c>mask</c> path: it
/// names the acquired-grid mask, which these layouts do not publish (the export's case names the published one).
/// </summary>
public sealed class LabelFilesStage : IStage
{
    /// <summary>Bump when the output of the same input changes.</summary>
    public const int Version = 2;

    /// <param name="annotation">The mask annotation's name.</param>
    /// <param name="labels">Its labels stage.</param>
    public LabelFilesStage(string annotation, string labels)
    {
        Definition = new StageDefinition($"{LabelStage.IdFor(annotation)}.files", Version, StageShape.Map, [labels],
            CanonicalJson.FromObject(new Dictionary<string, object?> { ["annotation"] = annotation }))
        {
            Publish = true,
            ReadsInputPaths = true,
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        var m = item.Metadata;
        if (m.ValueKind != JsonValueKind.Object || item.Path is not { } path) return StageResult.Success();
        if (m.TryGetProperty("label_report", out _)) return StageResult.Success(new StageOutput(path, item, m));
        if (!m.TryGetProperty("label_file", out _)) return StageResult.Success();
        var file = LabelFile.Parse(item.ReadAllBytes());
        var unmasked = file with { Items = file.Items.Select(e => e with { Mask = null }).ToList() };
        return StageResult.Success(new StageOutput(path, unmasked.ToBytes(), m));
    }
}
