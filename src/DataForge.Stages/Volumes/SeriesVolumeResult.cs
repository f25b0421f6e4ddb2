using DataForge.Dicom;
using DataForge.Imaging;

namespace DataForge.Stages.Volumes;

/// <summary>The outcome of stacking a series: a volume and its report, or the reason it cannot be stacked (no PHI).</summary>
public sealed record SeriesVolumeResult
{
    private SeriesVolumeResult(Volume? volume, SeriesVolumeReport? report, string? failure)
    {
        Volume = volume;
        Report = report;
        FailureReason = failure;
    }

    /// <summary>The volume, or null on failure.</summary>
    public Volume? Volume { get; }

    /// <summary>What was measured, or null on failure.</summary>
    public SeriesVolumeReport? Report { get; }

    /// <summary>The instance of the first stacked slice (its acquisition attributes describe the volume), or null on failure.</summary>
    public DicomFile? FirstInstance { get; init; }

    /// <summary>The instances of the stacked slices, in slice order (empty on failure).</summary>
    public IReadOnlyList<DicomFile> Instances { get; init; } = [];

    /// <summary>Why the series was not stacked, or null.</summary>
    public string? FailureReason { get; }

    /// <summary>True when the series was not stacked.</summary>
    public bool IsFailure => FailureReason is not null;

    /// <summary>A stacked series.</summary>
    public static SeriesVolumeResult Success(Volume volume, SeriesVolumeReport report) => new(volume, report, null);

    /// <summary>A series that cannot be stacked, with a reason that names no content.</summary>
    public static SeriesVolumeResult Failed(string reason) => new(null, null, reason);
}
