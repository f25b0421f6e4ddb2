using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Imaging;
using DataForge.Imaging.Operations;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// One item of the manifest's <c>harmonise:</c> list, bound to its operation. <see cref="Config"/> is
/// the item's canonical JSON (what goes into the stage's action key and into each volume's record);
/// <see cref="Operation"/> is null for <c>normalise: nyul</c>, which needs landmarks learnt first.
/// </summary>
/// <param name="Index">1-based position in the list.</param>
/// <param name="Name">The step's key: reorient, resample, crop_or_pad, window, clip, normalise, discretise.</param>
/// <param name="Config">The whole item, canonical (e.g. <c>{"resample":{"spacing":[1,1,1]}}</c>).</param>
/// <param name="Operation">The operation, or null for Nyul.</param>
public sealed record HarmoniseStep(int Index, string Name, CanonicalJson Config, IVolumeOperation? Operation)
{
    /// <summary>The engine stage id, e.g. <c>harmonise-1-resample</c>.</summary>
    public string StageId => $"harmonise-{Index}-{Name.Replace('_', '-')}";

    /// <summary>True for <c>normalise: {method: nyul}</c>.</summary>
    public bool IsNyul => Operation is null;

    /// <summary>
    /// The mask annotation whose masks bound the statistics of a <c>normalise</c> step (its <c>mask</c> names one),
    /// else null; the stage supplies the masks (<see cref="MaskedNormaliseStage"/>).
    /// </summary>
    public string? MaskAnnotation => Operation is Normalise { Mask.Kind: MaskKind.Label } ? Parameters.GetProperty("mask").GetString() : null;

    /// <summary>True for the steps that move voxels (and so apply to label masks too).</summary>
    public bool IsGeometric => LabelGeometry.IsGeometric(Operation);

    /// <summary>
    /// The step's operation for a 2D image (a one-slice volume from <see cref="Image2DStage"/>): resample keeps the
    /// image's own z spacing and crop_or_pad one slice, so neither adds slices; reorient is null (skipped), because a
    /// projection image has no patient orientation to turn to; the intensity steps are unchanged.
    /// </summary>
    public IVolumeOperation? OperationFor2D(Volume image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Operation switch
        {
            Reorient => null,
            Resample r => r with { Spacing = [r.Spacing[0], r.Spacing[1], image.Affine.Zooms.Z] },
            CropOrPad c => new CropOrPad([c.Shape[0], c.Shape[1], 1]),
            var other => other,
        };
    }

    /// <summary>Binds every item of a validated <c>harmonise:</c> list.</summary>
    public static IReadOnlyList<HarmoniseStep> Parse(JsonArray steps) =>
        steps.Select((s, i) => Parse(i + 1, s!.AsObject())).ToList();

    /// <summary>Binds one validated item (exactly one key); throws <see cref="ArgumentException"/> on a shape the schema refuses.</summary>
    public static HarmoniseStep Parse(int index, JsonObject step)
    {
        if (step.Count != 1) throw new ArgumentException("a harmonise step has exactly one key", nameof(step));
        var (name, value) = step.First();
        var config = CanonicalJson.Parse(step.ToJsonString());
        IVolumeOperation? operation = name switch
        {
            "reorient" => new Reorient(value!.GetValue<string>()),
            "resample" => new Resample(Numbers(value!["spacing"]),
                value!["interpolation"]?.GetValue<string>() switch
                {
                    null or "linear" => Interpolation.Linear,
                    "nearest" => Interpolation.Nearest,
                    "bspline" => Interpolation.BSpline,
                    var other => throw new ArgumentException($"unknown interpolation {other}"),
                }),
            "crop_or_pad" => new CropOrPad(value!["shape"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray()),
            "window" => new Window(Number(value, "center"), Number(value, "width"), Number(value, "min"), Number(value, "max")),
            "clip" => new ClipPercentiles(Numbers(value!["percentiles"])[0], Numbers(value!["percentiles"])[1]),
            "normalise" => Normalisation(value!.AsObject()),
            "discretise" => new Discretise(value!["bins"]?.GetValue<int>(), Number(value, "bin_width")),
            _ => throw new ArgumentException($"unknown harmonise step '{name}'"),
        };
        return new HarmoniseStep(index, name, config, operation);
    }

    /// <summary>The step's parameters as a JSON object (the value under its key), for metadata and sidecars.</summary>
    public JsonElement Parameters
    {
        get
        {
            var root = Config.ToElement();
            return root.GetProperty(Name).Clone();
        }
    }

    private static Normalise? Normalisation(JsonObject n)
    {
        var method = n["method"]!.GetValue<string>();
        if (method == "nyul") return null;
        var mask = n["mask"]?.GetValue<string>() switch
        {
            null or "all" => IntensityMask.All,
            "foreground" => IntensityMask.Foreground,
            _ => new IntensityMask(MaskKind.Label),
        };
        var contrast = n["contrast"]?.GetValue<string>() switch
        {
            null or "T1" => TissueContrast.T1,
            "T2" => TissueContrast.T2,
            "FLAIR" => TissueContrast.Flair,
            "PD" => TissueContrast.PD,
            var other => throw new ArgumentException($"normalise.contrast '{other}' is not one the schema allows"),
        };
        return new Normalise(method, mask, n["width"]?.GetValue<double>() ?? 0.05, contrast);
    }

    private static double? Number(JsonNode? parent, string name) => parent?[name]?.GetValue<double>();

    private static double[] Numbers(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
}
