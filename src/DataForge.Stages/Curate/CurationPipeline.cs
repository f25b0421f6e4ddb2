using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Stages;
using DataForge.Manifest.Model;

namespace DataForge.Stages.Curate;

/// <summary>
/// The stages of the manifest's <c>curate:</c> section, on the original DICOM sources, before
/// de-identification:
/// <c>curate.facts</c> (map: facts and one-instance checks, the file passed through) -> the group checks
/// <c>curate.series</c>, <c>curate.sop</c>, <c>curate.pixels</c>, <c>curate.studies</c> (records per
/// instance) -> <c>curate</c> (group per file content: the policy keeps, excludes or fails it) and
/// <c>curate.report</c> (reduce: curation.json and curation.md). Stages after curation read <c>curate</c>.
/// </summary>
public static class CurationPipeline
{
    /// <summary>Adds the curation stages; returns the ids the next stage reads instead of the sources.</summary>
    /// <param name="stages">The pipeline's stages so far; the curation stages are appended.</param>
    /// <param name="curate">The manifest's <c>curate:</c> section.</param>
    /// <param name="sources">Ids of the DICOM sources.</param>
    /// <param name="resolve">Resolves a path written in the manifest.</param>
    /// <param name="secret">The project secret (needed with a consent list: the list enters the config as keyed hashes).</param>
    /// <param name="screened">True when the sources are screened (<see cref="Dicom.DicomScreening"/>).</param>
    public static IReadOnlyList<string> Add(List<IStage> stages, JsonObject curate, IReadOnlyList<string> sources, Func<string, string> resolve, byte[]? secret,
        bool screened = false)
    {
        var section = JsonSerializer.SerializeToElement(curate);
        var policy = CurationPolicy.From(section);
        var checks = (JsonObject)curate.DeepClone();
        foreach (var (_, value) in checks)
            if (value is JsonObject o) o.Remove("on_fail");
        byte[]? consentKey = null;
        if (checks["consent"] is JsonObject consent && consent["withdrawn"]?.GetValue<string>() is { } file)
        {
            consentKey = secret ?? throw new ArgumentNullException(nameof(secret), "a consent list needs the project secret");
            consent["withdrawn"] = new JsonArray(WithdrawnIds(resolve(file)).Select(id => (JsonNode)InstanceChecks.ConsentHash(consentKey, id)).ToArray());
        }
        var seriesConfig = checks["series_integrity"] is JsonObject s ? JsonSerializer.SerializeToElement(s) : JsonSerializer.SerializeToElement(new JsonObject());
        var empty = JsonSerializer.SerializeToElement(new JsonObject());
        stages.Add(new InstanceFactsStage(sources, JsonSerializer.SerializeToElement(checks), consentKey, screened));
        var groupChecks = new IStage[]
        {
            new GroupCheckStage(new SeriesIntegrity(), seriesConfig),
            new GroupCheckStage(new SopInstanceDuplicates(), empty),
            new GroupCheckStage(new PixelDuplicates(), empty),
            new GroupCheckStage(new StudyDuplicates(), empty),
        };
        stages.AddRange(groupChecks);
        string[] verdictInputs = [InstanceFactsStage.Id, .. groupChecks.Select(g => g.Definition.Id)];
        stages.Add(new CurationFilterStage(verdictInputs, policy));
        stages.Add(new CurationReportStage(verdictInputs, policy));
        return [CurationFilterStage.Id];
    }

    /// <summary>
    /// The consent file: one original Patient ID per line; blank lines and lines starting with '#' are
    /// skipped. Read here, in the private zone; only keyed hashes of the IDs go further.
    /// </summary>
    public static IReadOnlyList<string> WithdrawnIds(string path) =>
        File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
