using System.Globalization;
using DataForge.Engine.Hashing;
using DataForge.Engine.Planning;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// The no-op shortcut. After a build that completed with no failure, state.db's meta holds
/// 'fingerprint' = H(sources, stage definitions, output folder) and 'fingerprint-totals' = the
/// per-stage item counts ("stage=count;…"). A build removes both before it indexes, so one killed
/// half-way never leaves a fingerprint behind. When the next build finds the same fingerprint and
/// an index with no file added, changed, renamed or removed, every action key is necessarily the
/// same: it skips planning and only checks the output folder against the store.
/// </summary>
internal static class BuildFingerprint
{
    public const string Key = "fingerprint";
    public const string TotalsKey = "fingerprint-totals";

    public static string Of(Pipeline pipeline, StoreLayout layout)
    {
        using var h = new KeyHasher("build-fingerprint/1");
        h.Add('o', layout.OutputRoot);
        foreach (var source in pipeline.Sources)
        {
            h.Add('s', source.Id).Add('r', source.Root);
            foreach (var pattern in source.Include) h.Add('i', pattern);
            foreach (var pattern in source.Exclude) h.Add('x', pattern);
        }
        foreach (var stage in pipeline.Stages)
        {
            var d = stage.Definition;
            h.Add('t', d.Id).Add('v', d.Version).Add('d', ActionKeys.DefinitionHash(d)).Add('p', d.Publish ? 1 : 0);
            foreach (var input in d.Inputs) h.Add('u', input);
        }
        return h.Finish().Hex;
    }

    public static string Totals(IEnumerable<StageReport> stages) =>
        string.Join(";", stages.Select(s => $"{s.StageId}={s.Total.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>Reports of a build where everything was served from the cache; null when the text is not in the format.</summary>
    public static List<StageReport>? ParseTotals(string? text, Pipeline pipeline)
    {
        if (text is null) return null;
        var reports = new List<StageReport>();
        var parts = text.Length == 0 ? [] : text.Split(';');
        if (parts.Length != pipeline.Stages.Count) return null;
        for (var i = 0; i < parts.Length; i++)
        {
            var eq = parts[i].LastIndexOf('=');
            if (eq < 0 || parts[i][..eq] != pipeline.Stages[i].Definition.Id
                || !int.TryParse(parts[i][(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var total)) return null;
            reports.Add(new StageReport(parts[i][..eq], total, 0, total, 0));
        }
        return reports;
    }
}
