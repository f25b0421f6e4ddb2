using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Labels;

/// <summary>
/// Map stage <c>labels.ANNOTATION.files</c>: publishes a mask annotation's label file and report
/// (<c>labels/ANNOTATION.json</c>, <c>labels/ANNOTATION.report.json</c>) as they are, and not its masks. Used with the
/// nnunet and monai layouts, whose export publishes the masks on the final grid (labelsTr, labels/CASE.nii.gz): the labels stage
/// then publishes nothing itself, so a mask is published once.
/// </summary>
public sealed class LabelFilesStage : IStage
{
    /// <summary>Bump when the output of the same input changes.</summary>
    public const int Version = 1;

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
        var isFile = m.ValueKind == JsonValueKind.Object && (m.TryGetProperty("label_file", out _) || m.TryGetProperty("label_report", out _));
        return isFile && item.Path is { } path ? StageResult.Success(new StageOutput(path, item, m)) : StageResult.Success();
    }
}
