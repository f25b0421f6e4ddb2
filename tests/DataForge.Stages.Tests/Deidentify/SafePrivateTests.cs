using System.Text.Json;
using DataForge.Dicom.IO;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>Retain Safe Private and private-element overrides on pydicom's CT_small.dcm (GE private blocks), checked with dcmdump.</summary>
public sealed class SafePrivateTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DumpOf(string policy)
    {
        var dcmdump = Oracle.Require("dcmdump");
        var input = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm";
        Skip.IfNot(File.Exists(input), "pydicom's test files are not installed");
        var deid = new Deidentifier(DeidPolicy.From(JsonDocument.Parse(policy).RootElement), new KeyedIdentity("private-secret-0123456789abcdefgh"u8.ToArray()));
        var result = deid.Apply(DicomReader.ReadFile(input));
        Assert.Null(LeakGate.Check(result.File, result.RemovedIdentifiers));
        var output = _dir.Combine("out.dcm");
        File.WriteAllBytes(output, result.File.ToBytes());
        var run = Oracle.Run(dcmdump, [output]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return run.StandardOutput;
    }

    [SkippableFact]
    public void Retain_safe_private_keeps_the_listed_GE_elements_with_their_creator_and_removes_the_rest()
    {
        var dump = DumpOf("""{"profile":"basic","options":["retain-safe-private"]}""");
        Assert.Contains("(0019,0010) LO [GEMS_ACQU_01]", dump);
        Assert.Contains("(0019,1023) DS [5.000000]", dump);      // Table Speed, Table E.3.10-1
        Assert.Contains("(0019,1024) DS [17.784578]", dump);     // Mid Scan Time
        Assert.DoesNotContain("(0019,1002)", dump);              // Number of Cells in Detector: not listed
        Assert.DoesNotContain("(0009,", dump);                   // GEMS_IDEN_01: nothing listed, creator goes too
        Assert.Contains("[113111]", dump);                       // Retain Safe Private Option code
    }

    [SkippableFact]
    public void Without_the_option_every_private_element_goes()
    {
        var dump = DumpOf("""{"profile":"basic"}""");
        Assert.DoesNotMatch(@"\n\((0009|0019|0043|0045),", dump);
    }

    [SkippableFact]
    public void Private_overrides_by_creator_keep_replace_and_remove_whatever_block_the_creator_reserved()
    {
        var dump = DumpOf("""
            {"profile":"basic","options":["retain-safe-private"],"overrides":[
              {"tag":"GEMS_IDEN_01,0009,xx04","action":"keep"},
              {"tag":"GEMS_IDEN_01,0009,xx02","action":"replace","value":"SUITE"},
              {"tag":"gems_acqu_01,0019,xx23","action":"remove"}]}
            """);
        Assert.Contains("(0009,0010) LO [GEMS_IDEN_01]", dump);
        Assert.Contains("(0009,1004) SH [HiSpeed CT/i]", dump);
        Assert.Contains("(0009,1002) SH [SUITE]", dump);
        Assert.DoesNotContain("(0009,1001)", dump);
        Assert.DoesNotContain("(0019,1023)", dump);
        Assert.Contains("(0019,1024) DS [17.784578]", dump);
    }

    [Fact]
    public void The_table_holds_the_rows_of_the_standard_and_finds_them_without_case()
    {
        Assert.Equal(130, SafePrivateAttributes.Rows.Count);
        Assert.True(SafePrivateAttributes.Contains("gems_acqu_01 ", 0x0019, 0x23));
        Assert.False(SafePrivateAttributes.Contains("GEMS_ACQU_01", 0x0019, 0x02));
        Assert.Equal(SafePrivateAttributes.Rows.Count, SafePrivateAttributes.Rows.Select(r => (r.Creator, r.Group, r.Element)).Distinct().Count());
    }

    [SkippableFact]
    public void A_safe_private_element_written_as_un_is_kept_with_its_creator_s_vr()
    {
        var input = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm";
        Skip.IfNot(File.Exists(input), "pydicom's test files are not installed");
        // As a tool that did not know the block writes it: Table Speed (GEMS_ACQU_01, 0019,xx23) as UN.
        var file = DicomReader.ReadFile(input);
        var tableSpeed = new DataForge.Dicom.DicomTag(0x0019, 0x1023);
        var original = (DataForge.Dicom.DicomElement)file.Dataset.Get(tableSpeed)!;
        file.Dataset.Add(new DataForge.Dicom.DicomElement(tableSpeed, DataForge.Dicom.DicomVR.UN, original.Span.ToArray()));
        var deid = new Deidentifier(DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic","options":["retain-safe-private"]}""").RootElement),
            new KeyedIdentity("private-secret-0123456789abcdefgh"u8.ToArray()));
        var kept = deid.Apply(file).File.Dataset.Get(tableSpeed);
        Assert.NotNull(kept);
        Assert.Equal(DataForge.Dicom.DicomVR.DS, kept.VR);
        Assert.Equal(original.Span.ToArray(), ((DataForge.Dicom.DicomElement)kept).Span.ToArray());
    }
}
