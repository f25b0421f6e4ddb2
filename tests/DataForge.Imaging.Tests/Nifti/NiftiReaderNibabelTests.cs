using DataForge.Imaging.Nifti;
using DataForge.Imaging.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Imaging.Tests.Nifti;

/// <summary>Everything DataForge reads must match what nibabel reads from the same file.</summary>
public sealed class NiftiReaderNibabelTests
{
    public static TheoryData<string> ShippedFiles()
    {
        var data = new TheoryData<string>();
        var files = ShippedImages.Files().Select(Path.GetFileName).ToList();
        // Without python3-nibabel there is nothing to list; the test then skips (or fails under CI).
        if (files.Count == 0) files.Add("(python3-nibabel is not installed)");
        foreach (var f in files) data.Add(f!);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(ShippedFiles))]
    public void Every_image_shipped_with_nibabel_reads_as_nibabel_reads_it(string fileName)
    {
        Oracle.RequirePython("nibabel", "numpy");
        var path = Path.Combine(Nibabel.TestDataFolder, fileName);
        var expected = ShippedImages.Get(fileName);
        var header = NiftiReader.ReadHeader(path);
        List<string> problems;
        if (expected.Raw is null)
        {
            // Header-only files (no .img beside them): nibabel reads the header; so must DataForge.
            problems = NiftiComparison.CompareHeader(header, expected);
            var e = Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(path));
            Assert.EndsWith(".img", e.FilePath);
        }
        else
        {
            problems = NiftiComparison.Compare(NiftiReader.Read(path), header, expected);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [SkippableFact]
    public void Every_datatype_byte_order_and_layout_nibabel_writes_reads_the_same()
    {
        using var temp = new TempDirectory("nibabel-generated");
        var files = Nibabel.Generate(temp.Path);
        Assert.True(files.Count >= 40, $"the generator wrote only {files.Count} files");
        var expected = Nibabel.Dump(files);
        var problems = new List<string>();
        foreach (var image in expected)
        {
            try
            {
                problems.AddRange(NiftiComparison.Compare(NiftiReader.Read(image.Path), NiftiReader.ReadHeader(image.Path), image));
            }
            catch (Exception e)
            {
                problems.Add($"{Path.GetFileName(image.Path)}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The set must really cover both byte orders, both NIfTI versions, gzip and Analyze.
        var headers = files.Select(f => NiftiReader.ReadHeader(f)).ToList();
        Assert.Contains(headers, h => h.BigEndian);
        Assert.Contains(headers, h => h.Format == NiftiFormat.Nifti2);
        Assert.Contains(headers, h => h.Format == NiftiFormat.Analyze75);
        Assert.Contains(headers, h => !h.IsSingleFile && h.Format == NiftiFormat.Nifti1);
        Assert.Contains(headers, h => h.VoxOffset > 352 && h.Format == NiftiFormat.Nifti1);
        Assert.Contains(files, f => f.EndsWith(".gz", StringComparison.Ordinal));
    }
}
