using System.Text;
using DataForge.Dicom;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Dicom;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Dicom;

/// <summary>What the screen in front of every DICOM source recognises: files that are not DICOM at all, and DICOMDIRs by SOP class.</summary>
public sealed class DicomScreenTests
{
    private const string PydicomData = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    private static bool Sniff(byte[] bytes) => DicomSniff.LooksLikeDicom(bytes.AsSpan(0, Math.Min(bytes.Length, DicomSniff.HeadLength)), bytes.Length);

    [SkippableFact]
    public void Every_pydicom_test_instance_looks_like_DICOM_with_or_without_preamble_meta_or_little_endian()
    {
        var files = TestData.PydicomFiles();
        Skip.If(files.Count == 0 && !Oracle.IsCi, "python3-pydicom's test files are not installed");
        Assert.NotEmpty(files);
        // no_meta.dcm starts one byte before its first element (0x20, then (0008,0005)): DataForge's reader refuses
        // it as not DICOM too, so the screen's verdict and the reader's agree.
        const string Odd = "no_meta.dcm";
        Assert.All(files.Where(f => Path.GetFileName(f) != Odd), f => Assert.True(Sniff(File.ReadAllBytes(f)), Path.GetFileName(f)));
        var odd = Path.Combine(PydicomData, Odd);
        Assert.False(Sniff(File.ReadAllBytes(odd)));
        Assert.Contains("not a DICOM file", Assert.Throws<DicomFormatException>(() => DicomFile.Open(odd)).Message);
        // Among them, files with no preamble at all: raw explicit little endian and explicit big endian.
        Assert.Contains(files, f => Path.GetFileName(f) == "ExplVR_LitEndNoMeta.dcm");
        Assert.Contains(files, f => Path.GetFileName(f) == "ExplVR_BigEndNoMeta.dcm");
    }

    [SkippableFact]
    public void Text_json_gzip_pdf_jpeg_png_and_empty_files_are_not_DICOM()
    {
        var shipped = new[] { "README.txt", "test1.json", "test_PN.json", "zipMR.gz", "rtplan.dump", "rtstruct.dump" }
            .Select(n => Path.Combine(PydicomData, n)).Where(File.Exists).ToList();
        Skip.If(shipped.Count == 0 && !Oracle.IsCi, "python3-pydicom's test files are not installed");
        Assert.All(shipped, f => Assert.False(Sniff(File.ReadAllBytes(f)), Path.GetFileName(f)));
        byte[][] made =
        [
            Encoding.ASCII.GetBytes("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
            [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1],
            [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'],
            Encoding.UTF8.GetBytes("# Export from PACS\r\nPatient folders follow.\r\n"),
            [],
            [0x08, 0x00],
            // Group 0008 but a length past the end and no VR: not a plausible element.
            [0x08, 0x00, 0x05, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2],
        ];
        Assert.All(made, bytes => Assert.False(Sniff(bytes)));
    }

    [SkippableFact]
    public void A_DICOMDIR_is_recognised_by_its_SOP_class_whatever_its_file_is_called_as_pydicom_reads_it()
    {
        var python = Oracle.RequirePython("pydicom");
        var files = TestData.FilesUnder(Path.Combine(PydicomData, "dicomdirtests"), "DICOMDIR*").Concat(TestData.PydicomFiles().Take(10)).ToList();
        var script = "import sys, pydicom\nfor f in sys.argv[1:]:\n    d = pydicom.dcmread(f, force=True)\n" +
                     "    print(str(d.file_meta.get('MediaStorageSOPClassUID', d.get('SOPClassUID', ''))))\n";
        var run = Oracle.Run(python, ["-c", script, .. files]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        var classes = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(files.Count, classes.Length);
        var directories = 0;
        for (var i = 0; i < files.Count; i++)
        {
            var expected = classes[i].Trim() == MediaStorageDirectory.SopClassUid;
            directories += expected ? 1 : 0;
            Assert.True(expected == MediaStorageDirectory.Is(DicomFile.OpenHeader(files[i])), Path.GetFileName(files[i]));
        }
        // DICOMDIR-bigEnd, -implicit, -reordered ... : not one named exactly DICOMDIR only.
        Assert.True(directories >= 5, $"{directories} directories");
    }
}
