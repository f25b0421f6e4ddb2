using System.Text.Json.Nodes;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Map stage for one item of <c>harmonise:</c> (id <c>harmonise-N-NAME</c>): reads a volume, applies the
/// step's operation, appends <c>{"step": NAME, "parameters": {...}}</c> to the volume's <c>harmonise</c>
/// record and hands the result on (or publishes it, for the last step). Its config is the step's canonical
/// JSON, so changing a parameter reruns this step and, where its outputs change, the later ones only.
/// A 2D image (<see cref="Image2DStage"/>) gets the step's 2D form (<see cref="HarmoniseStep.OperationFor2D"/>).
/// </summary>
public sealed class HarmoniseStepStage : IStage
{
    /// <summary>Bump when the output of the same volume and step changes.</summary>
    public const int Version = 2;

    private readonly HarmoniseStep _step;
    private readonly bool _publish;
    private readonly NiftiWriteOptions _options;

    /// <summary>A stage applying <paramref name="step"/> (not Nyul) to the volumes of the stages <paramref name="inputs"/>.</summary>
    public HarmoniseStepStage(HarmoniseStep step, IReadOnlyList<string> inputs, bool publish, int compressionLevel = 6)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.Operation is null) throw new ArgumentException("Nyul is applied by NyulApplyStage", nameof(step));
        _step = step;
        _publish = publish;
        _options = new NiftiWriteOptions { CompressionLevel = compressionLevel };
        Definition = new StageDefinition(step.StageId, Version, StageShape.Map, inputs, step.Config) { Publish = publish };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        if (VolumeOutput.Is2D(item))
            return Apply(item, _step, v => _step.OperationFor2D(v)?.Apply(v) ?? v, _publish, _options,
                _step.Operation is Reorient ? new JsonObject { ["skipped"] = "a 2D image has no patient orientation" } : null);
        return Apply(item, _step, v => _step.Operation!.Apply(v), _publish, _options);
    }

    /// <summary>Reads the volume of <paramref name="item"/>, applies <paramref name="operation"/>, records <paramref name="step"/> and emits.</summary>
    internal static StageResult Apply(StageItem item, HarmoniseStep step, Func<Volume, Volume> operation, bool publish, NiftiWriteOptions options,
        JsonObject? extra = null)
    {
        var metadata = VolumeOutput.MetadataOf(item);
        Volume result;
        try
        {
            result = operation(VolumeOutput.Read(item));
        }
        catch (NiftiFormatException e)
        {
            return StageResult.Failed($"{step.StageId}: the upstream volume cannot be read: {e.Message}");
        }
        catch (ImagingException e)
        {
            return StageResult.Failed($"{step.StageId}: {e.Message}");
        }
        var record = new JsonObject
        {
            ["step"] = step.Name,
            ["parameters"] = JsonNode.Parse(step.Parameters.GetRawText()),
        };
        if (extra is not null)
            foreach (var (key, value) in extra) record[key] = value?.DeepClone();
        if (metadata["harmonise"] is not JsonArray steps) metadata["harmonise"] = steps = new JsonArray();
        steps.Add(record);
        return VolumeOutput.Emit(result, metadata, publish, step.StageId, options);
    }
}
