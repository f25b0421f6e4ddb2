using DataForge.Engine.Stages;
using DataForge.Manifest.Model;

namespace DataForge.Stages.Dicom;

/// <summary>
/// Puts a screen (<see cref="DicomScreenStage"/>) in front of every DICOM source and the screening report
/// (<see cref="ScreeningReportStage"/>) beside them; the stages that read DICOM read the screens' instances instead
/// of the sources (<see cref="ReadInstancesOnly"/>). Called by <see cref="PipelineFactory"/>.
/// </summary>
public static class DicomScreening
{
    /// <summary>Appends one screen per DICOM source and the report; returns the ids the DICOM stages read instead of the sources.</summary>
    public static IReadOnlyList<string> Add(List<IStage> stages, IEnumerable<SourceSpec> dicomSources)
    {
        var screens = dicomSources.Select(s => new DicomScreenStage(s.Id, s.OnUnreadable)).ToList();
        stages.AddRange(screens);
        var ids = screens.Select(s => s.Definition.Id).ToList();
        stages.Add(new ScreeningReportStage(ids));
        return ids;
    }

    /// <summary>
    /// The stages, each that reads a screen (but the report) made to read only its passed instances: the screens'
    /// records of skipped files are for the report alone.
    /// </summary>
    public static List<IStage> ReadInstancesOnly(IEnumerable<IStage> stages) =>
        stages.Select(s => s.Definition.Id != ScreeningReportStage.Id && s.Definition.Inputs.Any(DicomScreenStage.IsScreen) ? new InstancesOnly(s) : s).ToList();

    /// <summary>A stage as it is, reading from each screen only the paths under <see cref="DicomScreenStage.InstancesFolder"/>.</summary>
    private sealed class InstancesOnly(IStage inner) : IStage
    {
        public StageDefinition Definition { get; } = inner.Definition with
        {
            InputPaths = Merge(inner.Definition),
        };

        public StageResult Run(StageInput input, CancellationToken cancellationToken) => inner.Run(input, cancellationToken);

        private static Dictionary<string, IReadOnlyList<string>> Merge(StageDefinition d)
        {
            var paths = d.InputPaths?.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal) ?? new(StringComparer.Ordinal);
            foreach (var input in d.Inputs.Where(DicomScreenStage.IsScreen))
                paths.TryAdd(input, [DicomScreenStage.InstancesFolder + "**"]);
            return paths;
        }
    }
}
