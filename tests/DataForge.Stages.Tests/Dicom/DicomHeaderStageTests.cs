using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Store;
using DataForge.Stages.Dicom;
using DataForge.Synth;
using DataForge.Testing;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.Tests.Dicom;

public sealed class DicomHeaderStageTests : IDisposable
{
    private readonly TempDirectory _project = new("dataforge-stages");

    public void Dispose() => _project.Dispose();

    private BuildResult Build(Action<BuildProgress>? progress = null)
    {
        var engine = new BuildEngine(new StoreLayout(_project.Path, _project.Combine("out")));
        var pipeline = new Pipeline([new EngineSource("raw", _project.Combine("raw"))], [new DicomHeaderStage(["raw"])]);
        return engine.Build(pipeline, new BuildOptions { Jobs = 2, OnProgress = progress });
    }

    [Fact]
    public void Progress_counts_every_action_that_runs_up_to_its_total()
    {
        SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 1, Slices = 3, Matrix = 16 });
        var events = new System.Collections.Concurrent.ConcurrentBag<BuildProgress>();
        Build(events.Add);
        Assert.Equal(7, events.Count);
        Assert.All(events, e => Assert.Equal(("headers", 6), (e.StageId, e.Total)));
        Assert.Equal(Enumerable.Range(0, 7), events.Select(e => e.Done).Order());
    }

    [Fact]
    public void Every_synthetic_instance_is_indexed_and_a_second_build_runs_nothing()
    {
        SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 1, Slices = 3, Matrix = 16 });
        var first = Build();
        Assert.Equal([], first.Failures.Select(f => f.ToString()));
        var stage = Assert.Single(first.Stages);
        Assert.Equal((6, 6, 0), (stage.Total, stage.Executed, stage.Cached));

        var second = Build();
        Assert.Equal((6, 0, 6), (second.Stages[0].Total, second.Stages[0].Executed, second.Stages[0].Cached));
        Assert.Equal(0, second.Index.Hashed);
    }

    [Fact]
    public void A_file_that_is_not_dicom_fails_with_the_parsers_reason_and_the_others_go_on()
    {
        SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 1, Slices = 2, Matrix = 16, Modalities = ["CT"] });
        _project.WriteText("raw/notes.txt", "this is a note, not an image\n");
        var result = Build();
        var failure = Assert.Single(result.Failures);
        Assert.Equal("headers", failure.StageId);
        Assert.StartsWith("not readable as DICOM", failure.Reason);
        Assert.Equal(2, result.Stages[0].Executed);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public void A_truncated_file_fails_with_a_byte_offset()
    {
        SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 1, Slices = 2, Matrix = 16, Modalities = ["CT"] });
        var victim = Directory.GetFiles(_project.Combine("raw"), "IM0001.dcm", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, bytes[..700]);
        var failure = Assert.Single(Build().Failures);
        Assert.Matches(@"^not readable as DICOM at byte \d+", failure.Reason);
    }
}
