using DataForge.Engine.Stages;
using DataForge.Stages.Tests.Labels;

namespace DataForge.Stages.Tests.Harmonise;

public sealed class NyulPipelineTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 1);

    public void Dispose() => _p.Dispose();

    private IReadOnlyDictionary<string, StageDefinition> Stages(string splits)
    {
        _p.Write("grades.csv", "PatientID,grade\nX,low\n");
        _p.Write("dataforge.yaml", $$"""
            version: 1
            name: nyul-shape
            sources:
              - {id: ct, kind: dicom, path: raw}
              - {id: grades, kind: labels, path: grades.csv, format: csv, key: PatientID}
            deidentify: {profile: basic}
            labels:
              annotations:
                - {name: grade, kind: categorical, source: grades, values: [low, high]}
            splits: {{splits}}
            harmonise:
              - normalise: {method: nyul}
            output: {layout: nifti}
            """);
        var loaded = ManifestModules.Loader().Load(_p.Combine("dataforge.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        return PipelineFactory.Create(loaded.Manifest!, LabelProject.Secret).Stages.ToDictionary(s => s.Definition.Id, s => s.Definition);
    }

    [Fact]
    public void Without_stratification_the_learning_reads_only_the_selected_train_volumes()
    {
        var stages = Stages("{ratios: {train: 0.8, test: 0.2}, seed: 1}");
        Assert.Equal(["harmonise-1-normalise-select"], stages["harmonise-1-normalise-learn"].Inputs);
        Assert.Equal(["volume"], stages["harmonise-1-normalise-select"].Inputs);
        Assert.Equal(["harmonise-1-normalise-learn", "volume"], stages["harmonise-1-normalise-each"].Inputs);
        Assert.Equal(["volume", "harmonise-1-normalise-each"], stages["harmonise-1-normalise"].Inputs);
    }

    [Fact]
    public void With_stratification_the_learning_reads_the_splits_and_every_volume()
    {
        var stages = Stages("{ratios: {train: 0.8, test: 0.2}, seed: 1, stratify: grade}");
        Assert.False(stages.ContainsKey("harmonise-1-normalise-select"));
        Assert.Equal(["volume", "splits"], stages["harmonise-1-normalise-learn"].Inputs);
    }

    [Fact]
    public void Splits_without_a_train_split_leave_the_learning_to_say_so_from_splits_json()
    {
        var stages = Stages("{ratios: {a: 0.5, b: 0.5}, seed: 1}");
        Assert.False(stages.ContainsKey("harmonise-1-normalise-select"));
        Assert.Equal(["volume", "splits"], stages["harmonise-1-normalise-learn"].Inputs);
    }
}
