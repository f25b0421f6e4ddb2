using System.Text.Json;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Imaging;

/// <summary>Segmentations written by pydicom read as numpy unpacks their pixel data; malformed ones fail with the tag.</summary>
public sealed class DicomSegmentationTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-seg");

    public void Dispose() => _dir.Dispose();

    private (string Path, JsonElement Oracle) Write(string type, string defect = "none")
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        var path = _dir.Combine($"{type}-{defect}.dcm");
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "DataForge.Dicom.Tests", "Oracles", "pydicom_seg.py");
        var run = Oracle.Run(python, [script, path, type, defect]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return (path, defect == "none" ? JsonDocument.Parse(run.StandardOutput).RootElement.Clone() : default);
    }

    [SkippableTheory]
    [InlineData("BINARY")]
    [InlineData("FRACTIONAL")]
    public void Frames_segments_and_planes_read_as_numpy_and_pydicom_wrote_them(string type)
    {
        var (path, oracle) = Write(type);
        var seg = DicomSegmentation.Read(DicomReader.ReadFile(path));

        Assert.Equal(type == "FRACTIONAL", seg.IsFractional);
        Assert.Equal([(1, "Liver", "SCT:10200004"), (2, "Lesion", "SCT:4147007")],
            seg.Segments.Select(s => (s.Number, s.Label, s.Type!.ToString())).ToArray());
        Assert.Equal(["2.25.3000"], seg.ReferencedSeries);
        var expected = oracle.GetProperty("frames").EnumerateArray().Select(f => f.GetString()!).ToList();
        var positions = oracle.GetProperty("positions").EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
        Assert.Equal(expected.Count, seg.Frames.Count);
        for (var f = 0; f < seg.Frames.Count; f++)
        {
            var frame = seg.Frames[f];
            Assert.Equal(expected[f], string.Concat(seg.FrameMask(f).Select(b => b ? '1' : '0')));
            Assert.Equal(f < 3 ? 1 : 2, frame.Segment);
            Assert.Equal(positions[f], frame.Position!.ToArray());
            Assert.Equal([1.0, 0, 0, 0, 1, 0], frame.Orientation!.ToArray());
            Assert.Equal([0.5, 0.75], frame.PixelSpacing!.ToArray());
            Assert.Equal([$"2.25.{2000 + f % 3}"], frame.SourceInstances.ToArray());
        }
        // Not every frame is empty or full: the comparison above says something.
        Assert.Contains(expected, e => e.Contains('0') && e.Contains('1'));
    }

    [SkippableTheory]
    [InlineData("BINARY", "truncated", "Pixel Data holds", "(7FE0,0010)")]
    [InlineData("BINARY", "bits8", "BINARY segmentations have Bits Allocated and Bits Stored 1", "(0028,0100)")]
    public void A_malformed_segmentation_fails_with_the_reason_and_tag(string type, string defect, string reason, string tag)
    {
        var (path, _) = Write(type, defect);
        var e = Assert.Throws<DicomFormatException>(() => DicomSegmentation.Read(DicomReader.ReadFile(path)));
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.Equal(tag, e.Tag!.ToString());
    }
}
