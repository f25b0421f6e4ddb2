using System.Text;
using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Reduce stage <c>deidentification-report</c>: <c>deidentification.json</c> next to the outputs, what the
/// policy did per attribute over every published instance (removed, emptied, replaced, pseudonymised,
/// uid replaced, shifted, cleaned, hashed, kept: counts only, never a value) and how each compound action was
/// resolved by the IOD's Types (<c>compound_actions</c>), with the options and overrides used. It reads only the
/// counts the deidentify stage puts into each output's metadata, so it is pure and its bytes do not depend on
/// scheduling. With clean-recognizable-visual-features it also reads
/// the visual facts of every instance and reports, by item hash and reason, the instances the policy excluded. With
/// DICOM sources it counts the files the screens kept out (<c>not_published</c>: DICOMDIRs, files that are not
/// DICOM, damaged files excluded by <c>on_unreadable</c>).
/// </summary>
public sealed class DeidentificationReportStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "deidentification-report";

    /// <summary>Bump when the report of the same inputs changes.</summary>
    /// <remarks>
    /// 3: <c>not_published</c>, the files of the DICOM sources the screens kept out (DICOMDIRs, files that are not DICOM, damaged ones).
    /// 4: <c>compound_actions</c>, per attribute how X/Z, X/D, Z/D, X/Z/D and X/Z/U* were resolved by the IOD's Types;
    /// <c>sop_classes</c>, per SOP class the instances published, excluded (by reason code) and failed.
    /// 5: what image sources held outside their pixels (metadata blocks, sidecar keys), left out or mapped to DICOM, field by field.
    /// </remarks>
    public const int Version = 5;

    /// <summary>The metadata property of deidentify outputs that holds the per-attribute counts.</summary>
    public const string CountsProperty = "deid_counts";

    /// <summary>The metadata property of deidentify outputs that holds, per attribute, how its compound action was resolved.</summary>
    public const string CompoundProperty = "deid_compound";

    /// <summary>Output path.</summary>
    public const string FileName = "deidentification.json";

    /// <param name="policy">The manifest's <c>deidentify:</c> section, bound.</param>
    /// <param name="deidentified">The stages whose items carry counts (default: the deidentify stage; NIfTI sources add theirs).</param>
    /// <param name="screened">True when the pipeline screens DICOM sources (<see cref="Dicom.DicomScreening"/>): the report reads what the screens left out.</param>
    /// <param name="deidentifyInputs">
    /// The ids the deidentify stage reads: the report reads them too and counts, per SOP class, what reached the stage and
    /// was published, excluded (<see cref="DeidExclusions"/>) or failed.
    /// </param>
    /// <param name="sourceCounts">Stages whose items count what image sources held outside their images and left out (<see cref="ImageSources.ImageSourceStage.CountsProperty"/>).</param>
    public DeidentificationReportStage(DeidPolicy policy, IReadOnlyList<string>? deidentified = null, bool screened = false,
        IReadOnlyList<string>? deidentifyInputs = null, IReadOnlyList<string>? sourceCounts = null)
    {
        var policyConfig = policy.Config;
        var options = policy.Options.Select(o => new Dictionary<string, string> { ["option"] = o.Name, ["code"] = o.Code }).ToList();
        // Override values are left out: a replacement text is the user's, but the report lists only what was done.
        var overrides = policyConfig.TryGetProperty("overrides", out var list)
            ? list.EnumerateArray().Select(o => new Dictionary<string, string> { ["tag"] = o.GetProperty("tag").GetString()!, ["action"] = o.GetProperty("action").GetString()! }).ToList()
            : [];
        var settings = new Dictionary<string, object>
        {
            ["profile"] = "basic",
            ["code"] = "113100",
            ["mode"] = policy.Anonymise ? "anonymise" : "pseudonymise",
            ["options"] = options,
            ["overrides"] = overrides,
            ["pseudonym_format"] = policy.Pseudonym.Text,
        };
        if (policy.Has(DeidOption.RetainLongitudinalModifiedDates)) settings["max_date_shift_days"] = policy.MaxDateShiftDays;
        string[] inputs = [.. deidentified ?? [DeidentifyStage.Id]];
        // DICOM sources are screened first (DicomScreening): what the screens kept out is counted here too.
        _screened = screened;
        if (_screened) inputs = [.. inputs, Dicom.ScreeningReportStage.Id];
        if (sourceCounts is { Count: > 0 }) inputs = [.. inputs, .. sourceCounts];
        if (policy.Has(DeidOption.CleanRecognizableVisualFeatures) && inputs.Contains(DeidentifyStage.Id))
        {
            _visual = VisualFeaturesPolicy.From(policyConfig);
            settings["visual_features"] = _visual.Settings();
            inputs = [.. inputs, VisualFactsStage.Id];
        }
        if (deidentifyInputs is { Count: > 0 })
        {
            _census = new SopClassCensus(policy.Has(DeidOption.CleanPixelData) ? PixelCleaner.From(policyConfig) : null, policy.Documents, screened);
            inputs = [.. inputs, .. deidentifyInputs.Where(i => !inputs.Contains(i))];
        }
        Definition = new StageDefinition(Id, Version, StageShape.Reduce, inputs, StageConfig.Canonical(settings))
        {
            Publish = true,
        };
    }

    public StageDefinition Definition { get; }

    private readonly VisualFeaturesPolicy? _visual;
    private readonly bool _screened;
    private readonly SopClassCensus? _census;

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        // Summed in hash tables (about 100 attributes for each of 100,000 instances), sorted once when written.
        var totals = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var compound = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var facts = new List<VisualFacts>();
        var instances = 0;
        var notPublished = new SortedDictionary<string, int>(StringComparer.Ordinal)
        {
            [Dicom.ScreeningReportStage.MediaStorageDirectoryCount] = 0, [Dicom.ScreeningReportStage.NotDicomCount] = 0, [Dicom.ScreeningReportStage.UnreadableCount] = 0,
        };
        // Each item's metadata read once and not kept: at 100,000 instances, kept, they were gigabytes.
        foreach (var item in input.Items)
        {
            var metadata = item.ReadMetadataOnce();
            if (VisualFacts.From(metadata) is { } fact)
            {
                facts.Add(fact);
                // With clean-recognizable-visual-features the deidentify stage reads these items.
                _census?.Candidate(item, fact.Item);
                continue;
            }
            if (metadata.TryGetProperty(Dicom.ScreeningReportStage.CountsProperty, out var screened))
            {
                foreach (var count in screened.EnumerateObject()) notPublished[count.Name] = notPublished.GetValueOrDefault(count.Name) + count.Value.GetInt32();
                continue;
            }
            // An image source's metadata blocks and sidecar keys, field by field: summed like attributes, not an instance;
            // the Secondary Capture instance it made is what the deidentify stage reads.
            if (metadata.TryGetProperty(ImageSources.ImageSourceStage.CountsProperty, out var fields))
            {
                Sum(fields, totals);
                _census?.Candidate(item, item.Hash.Hex);
                continue;
            }
            if (!metadata.TryGetProperty(CountsProperty, out var counts))
            {
                // With the census, an item the deidentify stage reads (a source's file, or what curation kept).
                if (_census is not null) _census.Candidate(item, item.Hash.Hex);
                else instances++;
                continue;
            }
            instances++;
            _census?.Published(metadata);
            Sum(counts, totals);
            if (metadata.TryGetProperty(CompoundProperty, out var resolved)) Sum(resolved, compound);
        }
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WritePropertyName("policy");
            input.Config.WriteTo(json);
            json.WriteNumber("instances", instances);
            if (_screened)
            {
                // Files of the DICOM sources never published, by why: counts only.
                json.WriteStartObject("not_published");
                foreach (var (why, n) in notPublished) json.WriteNumber(why, n);
                json.WriteEndObject();
            }
            if (_visual is not null) WriteVisualFeatures(json, facts);
            _census?.Write(json, _visual is null ? [] : ExcludedByVisualFeatures(facts).Keys.ToHashSet(StringComparer.Ordinal));
            Write(json, "attributes", totals);
            Write(json, "compound_actions", compound);
            json.WriteEndObject();
        }
        buffer.Write("\n"u8);
        return StageResult.Success(new StageOutput(FileName, buffer.ToArray()));
    }

    private static void Sum(JsonElement counts, Dictionary<string, Dictionary<string, long>> into)
    {
        foreach (var attribute in counts.EnumerateObject())
        {
            if (!into.TryGetValue(attribute.Name, out var outcomes)) into[attribute.Name] = outcomes = new(StringComparer.Ordinal);
            foreach (var outcome in attribute.Value.EnumerateObject())
                outcomes[outcome.Name] = outcomes.GetValueOrDefault(outcome.Name) + outcome.Value.GetInt64();
        }
    }

    /// <summary>Per attribute and outcome, in ordinal order: counts only.</summary>
    private static void Write(Utf8JsonWriter json, string property, Dictionary<string, Dictionary<string, long>> totals)
    {
        json.WriteStartObject(property);
        foreach (var (name, outcomes) in totals.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject(name);
            foreach (var (outcome, n) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal)) json.WriteNumber(outcome, n);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private SortedDictionary<string, string> ExcludedByVisualFeatures(List<VisualFacts> facts)
    {
        var excluded = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var series in facts.GroupBy(f => f.Series))
            foreach (var (item, reason) in _visual!.Excluded(series)) excluded[item] = reason;
        return excluded;
    }

    /// <summary>The instances clean-recognizable-visual-features excluded: counts per reason and their item hashes, no values.</summary>
    private void WriteVisualFeatures(Utf8JsonWriter json, List<VisualFacts> facts)
    {
        var excluded = ExcludedByVisualFeatures(facts);
        json.WriteStartObject("visual_features");
        json.WriteNumber("excluded", excluded.Count);
        json.WriteStartObject("reasons");
        foreach (var reason in new[] { VisualFeaturesPolicy.FlaggedYes, VisualFeaturesPolicy.HeadVolume })
            json.WriteNumber(reason, excluded.Values.Count(r => r == reason));
        json.WriteEndObject();
        json.WriteStartObject("excluded_items");
        foreach (var (item, reason) in excluded) json.WriteString(item, reason);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
