using System.Globalization;
using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.Dictionary;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// The manifest's <c>deidentify:</c> section, resolved: the Basic Profile, the options chosen, the
/// per-attribute overrides, the pseudonym prefix and the largest date shift. For each attribute it
/// answers which action applies: an override first, then the first chosen option that has an action
/// for the attribute (retain options before clean options), then the Basic Profile, then
/// <see cref="SafeAttributes"/> for attributes the table does not list. Private attributes are removed.
/// </summary>
public sealed class DeidPolicy
{
    private readonly Dictionary<uint, (ProfileAction Action, string? Value)> _overrides;
    private readonly Dictionary<(string Creator, ushort Group, byte Element), (ProfileAction Action, string? Value)> _privateOverrides = [];

    private DeidPolicy(IReadOnlyList<DeidOption> options, Dictionary<uint, (ProfileAction, string?)> overrides, PseudonymFormat format, int maxShift, bool anonymise)
    {
        Options = options;
        _overrides = overrides;
        Pseudonym = format;
        MaxDateShiftDays = maxShift;
        Anonymise = anonymise;
    }

    /// <summary>The section as written (canonical JSON goes into the action keys of the stages that apply it).</summary>
    public JsonElement Config { get; private init; }

    /// <summary>The manifest's <c>deidentify:</c> section bound (once, by the project), or null without one.</summary>
    public static DeidPolicy? Of(DataForge.Manifest.Model.DataForgeManifest manifest) =>
        manifest.Deidentify is { } section ? From(JsonDocument.Parse(section.ToJsonString()).RootElement) : null;

    /// <summary>The options chosen, in precedence order.</summary>
    public IReadOnlyList<DeidOption> Options { get; }

    /// <summary>How pseudonyms are written (<c>pseudonym.format</c>, or <c>pseudonym_prefix</c> and ten hash characters).</summary>
    public PseudonymFormat Pseudonym { get; }

    /// <summary><c>mode: anonymise</c>: no vault is kept, so nothing can be re-identified, not even with the secret.</summary>
    public bool Anonymise { get; }

    public int MaxDateShiftDays { get; }

    /// <summary>The <c>burned_in_regions</c> rules: where devices write identifying text into pixels and overlays.</summary>
    public PixelCleaner BurnedInRegions { get; private init; } = null!;

    /// <summary>The <c>encapsulated_documents</c> setting: which SOP classes' documents are published whole.</summary>
    public EncapsulatedDocuments Documents { get; private init; } = EncapsulatedDocuments.ExcludeAll;

    /// <summary>True when the option is chosen.</summary>
    public bool Has(DeidOption option) => Options.Contains(option);

    /// <summary>
    /// Reads a validated <c>deidentify:</c> section. Throws <see cref="ArgumentException"/> for settings
    /// this version does not honour; validation reports those first, with their line and column.
    /// </summary>
    public static DeidPolicy From(JsonElement config)
    {
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        if (config.TryGetProperty("options", out var list))
            foreach (var o in list.EnumerateArray()) chosen.Add(o.GetString()!);
        foreach (var name in chosen)
            if (DeidOption.Find(name) is null)
                throw new ArgumentException($"option {name} is not supported");
        var options = DeidOption.All.Where(o => chosen.Contains(o.Name)).ToList();

        var overrides = new Dictionary<uint, (ProfileAction, string?)>();
        var privateOverrides = new Dictionary<(string, ushort, byte), (ProfileAction, string?)>();
        if (config.TryGetProperty("overrides", out var rules))
            foreach (var rule in rules.EnumerateArray())
            {
                var text = rule.GetProperty("tag").GetString()!;
                var action = rule.GetProperty("action").GetString() switch
                {
                    "keep" => ProfileAction.Keep,
                    "remove" => ProfileAction.Remove,
                    "empty" => ProfileAction.Empty,
                    "replace" => ProfileAction.Replace,
                    "hash" => ProfileAction.Hash,
                    "shift_date" => ProfileAction.ShiftDate,
                    var other => throw new ArgumentException($"unknown override action {other}"),
                };
                var value = rule.TryGetProperty("value", out var v) ? v.GetString() : null;
                if (ParsePrivate(text) is { } key) privateOverrides[key] = (action, value);
                else overrides[ParseTag(text).Value] = (action, value);
            }
        var format = config.TryGetProperty("pseudonym", out var p) && p.TryGetProperty("format", out var f)
            ? PseudonymFormat.Parse(f.GetString()!)
            : PseudonymFormat.FromPrefix(config.TryGetProperty("pseudonym_prefix", out var prefix) ? prefix.GetString()! : "ANON-");
        var anonymise = config.TryGetProperty("mode", out var mode) && mode.GetString() == "anonymise";
        if (anonymise && format.IsSequential)
            throw new ArgumentException("a {seq:N} pseudonym needs the vault to keep numbers stable, and mode anonymise keeps none; use {hash:N}");
        var shift = config.TryGetProperty("max_date_shift_days", out var s) ? s.GetInt32() : 365;
        var policy = new DeidPolicy(options, overrides, format, shift, anonymise)
        {
            BurnedInRegions = PixelCleaner.From(config), Documents = EncapsulatedDocuments.From(config), Config = config.Clone(),
        };
        foreach (var (key, o) in privateOverrides) policy._privateOverrides[key] = o;
        return policy;
    }

    /// <summary>A keyword or (gggg,eeee) as a tag.</summary>
    public static DicomTag ParseTag(string text)
    {
        if (DicomDictionary.Standard.Find(text) is { } entry) return entry.Tag;
        var digits = text.Trim('(', ')').Split(',');
        if (digits.Length == 2
            && ushort.TryParse(digits[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var g)
            && ushort.TryParse(digits[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var e))
            return new DicomTag(g, e);
        throw new ArgumentException($"'{text}' is neither a keyword nor a tag");
    }

    /// <summary>CREATOR,gggg,xxee (PS3.5 7.8.1: the block xx is wherever the creator's reservation put it) as a key; null for other text.</summary>
    public static (string Creator, ushort Group, byte Element)? ParsePrivate(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 3) return null;
        var element = parts[2].Trim();
        if (element.Length != 4 || !element.StartsWith("xx", StringComparison.OrdinalIgnoreCase)
            || !ushort.TryParse(parts[1].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var group) || group % 2 == 0
            || !byte.TryParse(element[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var low))
            throw new ArgumentException($"'{text}' is not a private element as CREATOR,gggg,xxee (odd group)");
        return (parts[0].Trim().ToUpperInvariant(), group, low);
    }

    /// <summary>The override for a private element of a creator's block, if any.</summary>
    public (ProfileAction Action, string? Value)? PrivateOverrideFor(string creator, ushort group, byte element) =>
        _privateOverrides.TryGetValue((creator.Trim().ToUpperInvariant(), group, element), out var o) ? o : null;

    /// <summary>The override for a tag, if any.</summary>
    public (ProfileAction Action, string? Value)? OverrideFor(DicomTag tag) =>
        _overrides.TryGetValue(tag.Value, out var o) ? o : null;

    /// <summary>The action for an attribute, before compound actions are resolved.</summary>
    public ProfileAction ActionFor(DicomAttribute attribute)
    {
        if (OverrideFor(attribute.Tag) is { } o) return o.Action;
        if (attribute.Tag.IsPrivate) return ProfileAction.Remove;
        if (ConfidentialityProfile.Find(attribute.Tag) is { } row)
        {
            foreach (var option in Options)
                if (option.Column is { } column && row.Options.TryGetValue(column, out var action)) return action;
            return row.Basic;
        }
        return SafeAttributes.ActionFor(attribute, Has(DeidOption.RetainDeviceIdentity));
    }

    /// <summary>The canonical description of the policy, for action keys and release manifests.</summary>
    public string Describe() =>
        $"basic;options={string.Join(',', Options.Select(o => o.Name))};pseudonym={Pseudonym.Text};anonymise={Anonymise};shift={MaxDateShiftDays};" +
        string.Join(';', _overrides.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key:X8}={kv.Value.Action}:{kv.Value.Value}")) + ";" +
        string.Join(';', _privateOverrides.OrderBy(kv => kv.Key.ToString(), StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value.Action}:{kv.Value.Value}"));
}
