using System.Text.Json;
using DataForge.Dicom.IO;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Oracles;

/// <summary>
/// DataForge reads every DICOM file shipped with pydicom and nibabel as pydicom does (same tags, VRs, values and
/// sequence structure). A file that dcmdump cannot read is either rejected with a <see cref="DicomFormatException"/>
/// naming the file, or (when pydicom recovers it, e.g. a mislabelled transfer syntax) read exactly as pydicom reads it.
/// </summary>
public class PydicomOracleTests
{
    public static TheoryData<string> Files() => OracleFiles.Data();

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void DataForge_reads_each_file_as_pydicom_does_or_rejects_what_dcmdump_rejects(string name)
    {
        var file = OracleFiles.Resolve(name);
        var oracle = PydicomOracle.Dump(file);
        var dcmdumpRejects = DcmdumpOracle.Rejects(file);
        DicomFile read;
        try
        {
            read = DicomReader.ReadFile(file);
        }
        catch (DicomFormatException e)
        {
            Assert.True(dcmdumpRejects, $"DataForge rejects a file that dcmdump reads: {e.Message}");
            Assert.Contains(file, e.Message);
            return;
        }
        Assert.True(oracle.GetProperty("ok").GetBoolean(), "pydicom rejects this file, DataForge reads it");
        var comparer = new CanonicalComparer(!oracle.GetProperty("little").GetBoolean(), oracle.GetProperty("implicit").GetBoolean());
        var differences = comparer.Compare(oracle.GetProperty("dataset"), read.Dataset).ToList();
        differences.AddRange(new CanonicalComparer(false, false).Compare(oracle.GetProperty("meta"), read.Meta).Select(d => "meta " + d));
        Assert.True(differences.Count == 0, (dcmdumpRejects ? "(dcmdump rejects this file) " : "") + string.Join("\n", differences));
    }
}
