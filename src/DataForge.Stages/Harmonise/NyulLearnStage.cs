using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Reduce stage <c>harmonise-N-nyul-learn</c>: learns Nyul landmarks (<see cref="NyulLandmarks.Learn"/>, defaults:
/// deciles with 1 and 99, foreground, scale 1..100) over the training volumes, one volume in memory at a time, and
/// emits them once (<c>role</c> <see cref="Role"/>). Which volumes are the training ones:
/// <list type="bullet">
/// <item>with unstratified <c>splits:</c>, it reads <see cref="NyulSelectStage"/>, which passes on the volumes of the
/// train split only: a volume outside it is not an input, so adding a test patient does not run this stage again;</item>
/// <item>with stratified <c>splits:</c> (a patient's split depends on its label, which reaches the pipeline in one label
/// file), it reads <c>splits.json</c> and every volume and keeps the train split's, so it reruns, with the same result,
/// when any patient is added;</item>
/// <item>without <c>splits:</c>, every volume.</item>
/// </list>
/// The record says which (<c>Split</c>: the split's name, or null for all volumes; <c>TrainingCount</c>: how many
/// volumes). <see cref="NyulFanOutStage"/> hands it to each volume for <see cref="NyulApplyStage"/>.
/// </summary>
public sealed class NyulLearnStage : IStage
{
    /// <summary>Bump when the landmarks learnt from the same volumes change.</summary>
    public const int Version = 3;

    /// <summary>Names of the split the landmarks are learnt over (the first present among the manifest's ratios).</summary>
    public static IReadOnlyList<string> TrainSplits { get; } = ["train", "training"];

    /// <summary>Metadata value of <c>role</c> on the landmark items.</summary>
    public const string Role = "nyul-landmarks";

    /// <summary>A stage learning over the volumes of the stages <paramref name="inputs"/> for <paramref name="step"/>.</summary>
    /// <param name="step">The Nyul step.</param>
    /// <param name="inputs">The stages whose volumes are normalised.</param>
    /// <param name="splits">The splits stage, when the manifest has stratified <c>splits:</c>.</param>
    /// <param name="selected">The split that <paramref name="inputs"/> (a <see cref="NyulSelectStage"/>) holds only, or null.</param>
    public NyulLearnStage(HarmoniseStep step, IReadOnlyList<string> inputs, string? splits = null, string? selected = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (splits is not null && selected is not null) throw new ArgumentException("the learning reads splits.json or selected volumes, not both", nameof(selected));
        StepId = step.StageId;
        _selected = selected;
        Definition = new StageDefinition(step.StageId + "-learn", Version, StageShape.Reduce, splits is null ? inputs : [.. inputs, splits], step.Config);
    }

    private readonly string? _selected;

    /// <summary>The id of the step this stage learns for.</summary>
    public string StepId { get; }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var ids = new List<string>(input.Items.Count);
        var volumes = new List<StageItem>(input.Items.Count);
        IReadOnlyDictionary<string, (string Split, int? Fold)>? splits = null;
        foreach (var item in input.Items)
        {
            if (item.Metadata.ValueKind == System.Text.Json.JsonValueKind.Object && item.Metadata.TryGetProperty("splits", out _))
            {
                try { splits = Splits.SplitStage.Read(item.ReadAllBytes()); }
                catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
                { return StageResult.Failed("nyul: splits.json cannot be read; rebuild"); }
                continue;
            }
            if (!item.Metadata.TryGetProperty("volume_id", out var id) || id.GetString() is not { } text)
                return StageResult.Failed("an upstream volume carries no volume_id in its metadata");
            ids.Add(text);
            volumes.Add(item);
        }
        if (ids.Count == 0) return StageResult.Success();
        string? split = _selected;
        var training = volumes;
        if (splits is not null)
        {
            var names = splits.Values.Select(v => v.Split).ToHashSet(StringComparer.Ordinal);
            split = TrainSplits.FirstOrDefault(names.Contains);
            if (split is null)
                return StageResult.Failed($"nyul: no patient is in a split named {string.Join(" or ", TrainSplits)}, so there is nothing to learn the landmarks over; add one to splits.ratios");
            training = volumes.Where(v => v.Metadata.TryGetProperty("pseudonym", out var p) && p.GetString() is { } name
                && splits.TryGetValue(name, out var place) && place.Split == split).ToList();
            if (training.Count == 0)
                return StageResult.Failed($"nyul: no volume belongs to a patient of split '{split}'; the landmarks cannot be learnt");
        }
        NyulLandmarks landmarks;
        try
        {
            landmarks = NyulLandmarks.Learn(training.Select(i =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                return VolumeOutput.Read(i);
            }));
        }
        catch (NiftiFormatException e)
        {
            return StageResult.Failed("nyul: an upstream volume cannot be read: " + e.Message);
        }
        catch (ImagingException e)
        {
            return StageResult.Failed(e.Message);
        }
        var record = JsonNode.Parse(landmarks.ToJson())!.AsObject();
        record["Split"] = split;
        var bytes = System.Text.Encoding.UTF8.GetBytes(CanonicalJson.Parse(record.ToJsonString()).Text + "\n");
        return StageResult.Success(new StageOutput($"{Definition.Id}/landmarks.json", bytes,
            System.Text.Json.JsonSerializer.SerializeToElement(new JsonObject { ["role"] = Role })));
    }
}
