using DataForge.Engine.Stages;
using DataForge.Manifest.Model;

namespace DataForge.Stages.Dicom;

/// <summary>
/// Puts a screen (<see cref="DicomScreenStage"/>) beside every DICOM source and the screening report
/// (<see cref="ScreeningReportStage"/>) after them. The stages that read a source leave out, with no output and no
/// failure, what its screen reports (<see cref="LeavesOut"/>): the screen decides what is counted, excluded or failed.
/// Called by <see cref="PipelineFactory"/>.
/// </summary>
public static class DicomScreening
{
    /// <summary>Appends one screen per DICOM source and the report.</summary>
    public static void Add(List<IStage> stages, IEnumerable<SourceSpec> dicomSources)
    {
        var screens = dicomSources.Select(s => new DicomScreenStage(s.Id, s.OnUnreadable)).ToList();
        stages.AddRange(screens);
        stages.Add(new ScreeningReportStage(screens.Select(s => s.Definition.Id).ToList()));
    }

    /// <summary>
    /// True when a screened file's first bytes (up to <see cref="DicomSniff.HeadLength"/>; <paramref name="size"/> is the
    /// whole file's) are not DICOM: a stage reading a screened source gives it no output, its screen counts it.
    /// </summary>
    public static bool LeavesOut(ReadOnlySpan<byte> head, long size) => !DicomSniff.LooksLikeDicom(head[..Math.Min(head.Length, DicomSniff.HeadLength)], size);
}
