using System.Collections.Immutable;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Deidentify.Nifti;

/// <summary>
/// Cleans the text of a NIfTI-1, NIfTI-2 or Analyze 7.5 header with the DICOM policy:
/// <list type="bullet">
/// <item>descrip: emptied; under clean-descriptors kept with every identifier of the patient scrubbed (the
/// scrubber DICOM descriptors get: names in any component order, IDs, accession numbers, dates of birth).</item>
/// <item>intent_name: kept when it names a NIfTI intent code (<see cref="NiftiIntents"/>), else emptied.</item>
/// <item>aux_file, db_name, data_type, and Analyze's vox_units, cal_units and data_history text (originator,
/// generated, scannum, patient_id, exp_date, exp_time, hist_un0): emptied. Analyze's numeric data_history
/// fields (views, vols_added, start_field, field_skip, omax, omin, smax, smin): zeroed. SPM's origin, stored in
/// originator's first six bytes, is geometry: it stays as numbers when the affine uses it (a plausible voxel).</item>
/// <item>Extensions: dropped, but for the few whose payload is checked to be numbers (<see cref="NiftiExtensionCodes"/>);
/// a DICOM extension (ecode 2) always goes. A damaged extension chain is dropped whole.</item>
/// </list>
/// Numeric header fields (geometry, datatype, scaling, units, intent code) are not touched.
/// </summary>
public static class NiftiHeaderCleaner
{
    /// <summary>Bump when the same header and policy give another output: a stage that calls this puts it into its action key.</summary>
    public const int Version = 1;

    /// <summary>Cleans <paramref name="header"/> (not modified) for one patient.</summary>
    public static NiftiHeaderCleaning Clean(NiftiHeader header, DeidPolicy policy, NiftiPatientContext context)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(context);
        var report = new CleaningReport();
        var scrub = NiftiIdentifiers.ScrubList(context.Identifiers.Concat(HeaderIdentifiers(header)));
        var texts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, value) in header.TextFields)
        {
            var cleaned = field switch
            {
                "descrip" when policy.Has(DeidOption.CleanDescriptors) => FreeText.Scrub(value, scrub),
                "intent_name" when NiftiIntents.IsIntentName(value) => value,
                _ => "",
            };
            texts[field] = cleaned;
            if (value.Length > 0)
                report.Add(field, cleaned.Length == 0 ? "emptied" : cleaned == value && field == "intent_name" ? "kept" : "cleaned");
        }
        var history = header.AnalyzeHistory.ToImmutableSortedDictionary(kv => kv.Key, _ => 0, StringComparer.Ordinal);
        foreach (var (field, value) in header.AnalyzeHistory)
            if (value != 0) report.Add(field, "emptied");

        var origin = header.Origin;
        if (header.Format == NiftiFormat.Analyze75 && origin.Any(o => o != 0))
        {
            var used = UsesOrigin(header);
            report.Add("origin", used ? "kept" : "emptied");
            if (!used) origin = [0, 0, 0];
        }

        var kept = new List<NiftiExtension>();
        foreach (var extension in header.Extensions)
        {
            var safe = !header.ExtensionsDamaged && NiftiExtensionCodes.IsSafe(extension, header.BigEndian);
            if (safe) kept.Add(extension);
            report.Add(NiftiExtensionCodes.Describe(extension.Code), safe ? "kept" : "removed");
        }
        if (header.ExtensionsDamaged) report.Add("extensions (damaged chain)", "removed");

        var cleanedHeader = header with
        {
            TextFields = texts.ToImmutableSortedDictionary(StringComparer.Ordinal),
            Description = texts.GetValueOrDefault("descrip", ""),
            IntentName = texts.GetValueOrDefault("intent_name", ""),
            AnalyzeHistory = history,
            Origin = origin,
            Extensions = [.. kept],
            ExtensionsDamaged = false,
        };
        return new NiftiHeaderCleaning(cleanedHeader, report);
    }

    /// <summary>True when <see cref="NiftiHeader.AnalyzeAffine"/> takes its translation from SPM's origin (its rule, restated).</summary>
    private static bool UsesOrigin(NiftiHeader header)
    {
        for (var i = 0; i < 3; i++)
        {
            var d = i < header.Rank ? header.Dim[i + 1] : 1;
            if (!(header.Origin[i] > -d && header.Origin[i] < d * 2)) return false;
        }
        return true;
    }

    /// <summary>Identifiers an Analyze header names itself (patient_id, exp_date), scrubbed from descrip with the context's.</summary>
    private static IEnumerable<string> HeaderIdentifiers(NiftiHeader header) =>
        header.Format == NiftiFormat.Analyze75
            ? new[] { "patient_id", "exp_date" }.Select(f => header.TextFields.GetValueOrDefault(f, "")).Where(v => v.Trim().Length >= 2)
            : [];
}

/// <summary>A cleaned header and what was done to each field (no values).</summary>
public sealed record NiftiHeaderCleaning(NiftiHeader Header, CleaningReport Report)
{
    /// <summary>
    /// The volume with the cleaned header's text (descrip and intent_name, the only text fields <see cref="NiftiWriter"/>
    /// writes), for writing: <see cref="NiftiReader"/> copies the original descrip into a volume it reads.
    /// </summary>
    public Volume ApplyTo(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        return volume with { Description = Header.Description, IntentName = Header.IntentName };
    }
}
