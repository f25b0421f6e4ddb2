using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Reduce stage <c>harmonise-N-nyul-learn</c>: learns Nyul landmarks (<see cref="NyulLandmarks.Learn"/>, defaults:
/// deciles with 1 and 99, foreground, scale 1..100) over the training volumes, one volume in memory at a time.
/// With <c>splits:</c> in the manifest it also reads the splits stage and learns over the volumes of the patients
/// in the train split only (<see cref="TrainSplits"/>), so the test patients' intensities never shape the scale;
/// without it, over every volume. The landmark record says which (<c>Split</c>: the split's name, or null for all
/// volumes; <c>TrainingCount</c>: how many volumes).
/// It emits the landmarks once per volume (same bytes, stored once), each item carrying that volume's
/// <c>volume_id</c>, so that <see cref="NyulApplyStage"/> can group each volume with them.
/// Dependency shape: the splits stage reads only pseudonyms and categorical labels, never a harmonised volume,
/// so it comes before every harmonise step and this reduce reads it with the previous step's volumes; the
/// engine's order (each stage reads earlier ones) holds without a cycle. Every volume, train or not, is an input,
/// because the landmarks are handed to each; a new or changed volume outside the train split reruns the learning
/// and (the engine keys each action on its upstream actions) the apply step of every volume, which give the same
/// landmarks and the same volumes byte for byte.
/// </summary>
public sealed class NyulLearnStage : IStage
{
    /// <summary>Bump when the landmarks learnt from the same volumes change.</summary>
    public const int Version = 2;

    /// <summary>Names of the split the landmarks are learnt over (the first present among the manifest's ratios).</summary>
    public static IReadOnlyList<string> TrainSplits { get; } = ["train", "training"];

    /// <summary>Metadata value of <c>role</c> on the landmark items.</summary>
    public const string Role = "nyul-landmarks";

    /// <summary>A stage learning over the volumes of the stages <paramref name="inputs"/> for <paramref name="step"/>.</summary>
    /// <param name="step">The Nyul step.</param>
    /// <param name="inputs">The stages whose volumes are normalised.</param>
    /// <param name="splits">The splits stage, when the manifest has <c>splits:</c>.</param>
    public NyulLearnStage(HarmoniseStep step, IReadOnlyList<string> inputs, string? splits = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        StepId = step.StageId;
        Definition = new StageDefinition(step.StageId + "-learn", Version, StageShape.Reduce, splits is null ? inputs : [.. inputs, splits], step.Config);
    }

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
        string? split = null;
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
        var outputs = ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(id =>
            new StageOutput($"{Definition.Id}/{id}.json", bytes,
                System.Text.Json.JsonSerializer.SerializeToElement(new JsonObject { ["volume_id"] = id, ["role"] = Role })));
        return StageResult.Success(outputs);
    }
}
