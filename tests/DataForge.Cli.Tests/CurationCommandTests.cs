using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

public sealed class CurationCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public CurationCommandTests()
    {
        CliRunner.Run(_dir.Path, "init");
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 2, Slices = 3, Matrix = 16 });
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Build_prints_the_curation_summary_and_publishes_the_report_without_patient_data()
    {
        File.AppendAllText(_dir.Combine("dataforge.yaml"), "\ncurate:\n  protocol: {modality: [CT]}\n");
        var ct = Directory.GetFiles(_dir.Combine("raw"), "*.dcm", SearchOption.AllDirectories)
            .Where(f => f.Contains("_CT", StringComparison.Ordinal)).Order(StringComparer.Ordinal).First();
        File.Copy(ct, _dir.Combine("raw", "copy.dcm"));

        var result = CliRunner.Run(_dir.Path, "build");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("curation: 13 files, 6 kept, 6 excluded, 0 failed an error check", result.Out);
        Assert.Contains("protocol (exclude): 6 findings on 6 items", result.Out);
        Assert.Contains("duplicates (exclude): 1 finding on 1 item", result.Out);
        var report = File.ReadAllText(_dir.Combine("out", "curation.json")) + File.ReadAllText(_dir.Combine("out", "curation.md"));
        foreach (var name in new[] { "DOE", "MUSTERMANN", "SYN1", "raw/" })
            Assert.DoesNotContain(name, report + result.Out, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("up to date\n", CliRunner.Run(_dir.Path, "status").Out);

        // build --json carries the same counts, read back from the published report.
        var again = CliRunner.Run(_dir.Path, "build", "--json");
        Assert.Equal(0, again.ExitCode);
        var curation = System.Text.Json.JsonDocument.Parse(again.Out).RootElement.GetProperty("curation");
        var published = System.Text.Json.JsonDocument.Parse(File.ReadAllText(_dir.Combine("out", "curation.json"))).RootElement;
        foreach (var name in new[] { "files", "items", "kept", "excluded", "errors" })
            Assert.Equal(published.GetProperty(name).GetInt32(), curation.GetProperty(name).GetInt32());
        Assert.Equal((13, 6, 6), (curation.GetProperty("files").GetInt32(), curation.GetProperty("kept").GetInt32(), curation.GetProperty("excluded").GetInt32()));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(published.GetProperty("checks").GetRawText()),
            System.Text.Json.Nodes.JsonNode.Parse(curation.GetProperty("checks").GetRawText())));
    }
}
