using DataForge.Dicom;

namespace DataForge.Stages.Dicom;

/// <summary>How a stage words a file the DICOM reader refused: the parser's reason, byte offset and tag, never the file's name (paths may carry names).</summary>
public static class ReadFailure
{
    public static string Describe(DicomFormatException e)
    {
        var at = e.Offset >= 0 ? $" at byte {e.Offset}" : "";
        var tag = e.Tag is { } t ? $" in {t}" : "";
        return $"not readable as DICOM{at}{tag}: {e.Reason}";
    }
}
