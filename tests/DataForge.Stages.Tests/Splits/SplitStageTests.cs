using System.Text.Json;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Store;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Splits;
using DataForge.Synth;
using DataForge.Testing;
using NJsonSchema;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.Tests.Splits;

public sealed class SplitStageTests : IDisposable
{
    private static readonly byte[] Secret = "test-secret-0123456789abcdef-xyz"u8.ToArray();
    private const string Policy = """{"profile":"basic"}""";
    private const string Splits = """{"ratios":{"train":0.6,"val":0.2,"test":0.2},"seed":3,"folds":3}""";
    private readonly TempDirectory _project = new("dataforge-split-stage");

    public void Dispose() => _project.Dispose();

    private BuildResult Build(string output)
    {
        var engine = new BuildEngine(new StoreLayout(_project.Path, _project.Combine(output)));
        var pipeline = new Pipeline([new EngineSource("raw", _project.Combine("raw"))],
        [
            new DeidentifyStage(["raw"], DeidPolicy.From(JsonDocument.Parse(Policy).RootElement), Secret, publish: false),
            new SplitStage([DeidentifyStage.Id], JsonDocument.Parse(Splits).RootElement, Secret),
        ]);
        return engine.Build(pipeline, new BuildOptions { Jobs = 2 });
    }

    [Fact]
    public async Task Splits_json_names_every_patient_once_by_pseudonym_and_matches_its_schema()
    {
        SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 6, Slices = 2, Matrix = 8, Modalities = ["CT"] });
        var result = Build("out");
        Assert.Equal([], result.Failures.Select(f => f.ToString()));

        var text = File.ReadAllText(_project.Combine("out", "splits.json"));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(TestData.RepositoryRoot, "schemas", "splits.schema.json"));
        Assert.Empty(schema.Validate(text));

        using var doc = JsonDocument.Parse(text);
        var patients = doc.RootElement.GetProperty("patients").EnumerateArray().ToList();
        Assert.Equal(6, patients.Count);
        Assert.Equal(6, patients.Select(p => p.GetProperty("pseudonym").GetString()).Distinct().Count());
        Assert.All(patients, p => Assert.Matches("^ANON-[A-Z0-9]{10}$", p.GetProperty("pseudonym").GetString()));
        // No original patient identifier reaches the file.
        Assert.DoesNotMatch(@"SYN[0-9]{6}", text);
        var counts = doc.RootElement.GetProperty("counts");
        Assert.Equal(6, counts.EnumerateObject().Sum(c => c.Value.GetInt32()));
    }

    [Fact]
    public void Adding_patients_to_the_sources_leaves_the_existing_patients_in_their_splits()
    {
        SynthWriter.Write(_project.Combine("all"), new SynthOptions { Patients = 10, Slices = 2, Matrix = 8, Modalities = ["CT"] });
        var folders = Directory.GetDirectories(_project.Combine("all")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(10, folders.Count);
        Directory.CreateDirectory(_project.Combine("raw"));
        foreach (var f in folders.Take(5)) Directory.Move(f, _project.Combine("raw", Path.GetFileName(f)));
        Assert.True(Build("out1").Succeeded);
        foreach (var f in folders.Skip(5)) Directory.Move(f, _project.Combine("raw", Path.GetFileName(f)));
        // Moving output.path cleans the old folder: its files are kept aside for the comparison, then put back.
        Directory.Move(_project.Combine("out1"), _project.Combine("out1.kept"));
        Assert.True(Build("out2").Succeeded);
        Directory.Move(_project.Combine("out1.kept"), _project.Combine("out1"));

        var before = SplitStage.Read(File.ReadAllBytes(_project.Combine("out1", "splits.json")));
        var after = SplitStage.Read(File.ReadAllBytes(_project.Combine("out2", "splits.json")));
        Assert.Equal(5, before.Count);
        Assert.Equal(10, after.Count);
        foreach (var (pseudonym, place) in before) Assert.Equal(place, after[pseudonym]);
    }
}
