using System.Text.Json;

namespace DataForge.Stages.Curate;

/// <summary>What a failing check does to its item.</summary>
public enum CheckEffect
{
    /// <summary>Reported only.</summary>
    Warn,

    /// <summary>Reported and kept out of de-identification and the outputs.</summary>
    Exclude,

    /// <summary>Reported, kept out, and the build fails (exit code 1).</summary>
    Error,
}

/// <summary>
/// The <c>on_fail</c> of each check, from the manifest's <c>curate:</c> section, with DataForge's defaults
/// where the section says nothing: duplicates, protocol and consent exclude; localisers exclude unless
/// <c>exclude_localizers: false</c>; the others warn.
/// </summary>
public sealed class CurationPolicy
{
    private readonly IReadOnlyDictionary<string, CheckEffect> _effects;

    private CurationPolicy(IReadOnlyDictionary<string, CheckEffect> effects) => _effects = effects;

    /// <summary>Reads the policies of a <c>curate:</c> section (null: every default).</summary>
    public static CurationPolicy From(JsonElement? curate)
    {
        var effects = new Dictionary<string, CheckEffect>(StringComparer.Ordinal)
        {
            [CurationCheck.Duplicates] = CheckEffect.Exclude,
            [CurationCheck.SeriesIntegrity] = CheckEffect.Warn,
            [CurationCheck.Localizer] = CheckEffect.Exclude,
            [CurationCheck.Conformance] = CheckEffect.Warn,
            [CurationCheck.Protocol] = CheckEffect.Exclude,
            [CurationCheck.ImageQuality] = CheckEffect.Warn,
            [CurationCheck.Consent] = CheckEffect.Exclude,
            [CurationCheck.Retention] = CheckEffect.Warn,
        };
        if (curate is { ValueKind: JsonValueKind.Object } c)
        {
            foreach (var check in CurationCheck.All)
                if (c.TryGetProperty(check, out var section) && section.ValueKind == JsonValueKind.Object
                    && section.TryGetProperty("on_fail", out var onFail) && onFail.GetString() is { } name)
                    effects[check] = Parse(name);
            if (c.TryGetProperty(CurationCheck.SeriesIntegrity, out var series) && series.ValueKind == JsonValueKind.Object
                && series.TryGetProperty("exclude_localizers", out var localizers) && localizers.ValueKind == JsonValueKind.False)
                effects[CurationCheck.Localizer] = CheckEffect.Warn;
        }
        return new CurationPolicy(effects);
    }

    /// <summary>The effect of a check's findings.</summary>
    public CheckEffect EffectOf(string check) => _effects.GetValueOrDefault(check, CheckEffect.Warn);

    /// <summary>The effect of one finding: a collapsed identical copy is never excluded, only an error when asked.</summary>
    public CheckEffect EffectOf(Finding finding)
    {
        var effect = EffectOf(finding.Check);
        return finding.KeepsOneCopy && effect == CheckEffect.Exclude ? CheckEffect.Warn : effect;
    }

    /// <summary>The policies as JSON, for the stages' configs (so a policy change reruns only what it affects).</summary>
    public JsonElement ToJson() =>
        JsonSerializer.SerializeToElement(CurationCheck.All.ToDictionary(c => c, c => Name(EffectOf(c))));

    /// <summary>The manifest's word for an effect.</summary>
    public static string Name(CheckEffect effect) => effect switch
    {
        CheckEffect.Exclude => "exclude",
        CheckEffect.Error => "error",
        _ => "warn",
    };

    private static CheckEffect Parse(string name) => name switch
    {
        "exclude" => CheckEffect.Exclude,
        "error" => CheckEffect.Error,
        _ => CheckEffect.Warn,
    };
}
