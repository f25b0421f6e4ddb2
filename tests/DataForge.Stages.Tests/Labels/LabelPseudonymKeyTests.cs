using DataForge.Manifest;

namespace DataForge.Stages.Tests.Labels;

/// <summary>The labels stage's action key holds the pseudonym format (and a {seq:N} format's numbers): a change reruns it.</summary>
public sealed class LabelPseudonymKeyTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 1);

    public void Dispose() => _p.Dispose();

    private string LabelConfig(string pseudonym, IReadOnlyDictionary<string, int>? numbers = null)
    {
        _p.Write("labels/grades.csv", "PatientID,grade\nP1,high\n");
        File.WriteAllText(_p.Combine("dataforge.yaml"), $$"""
            version: 1
            name: keys
            sources:
              - {id: ct, kind: dicom, path: raw}
              - {id: grades, kind: labels, path: labels/grades.csv, format: csv, key: PatientID}
            deidentify:
              profile: basic
              {{pseudonym}}
            labels:
              annotations:
                - {name: grade, kind: categorical, level: patient, source: grades}
            """);
        var loaded = ManifestLoader.Create().Load(_p.Combine("dataforge.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        return PipelineFactory.Create(loaded.Manifest!, LabelProject.Secret, numbers).Stages.Single(s => s.Definition.Id == "labels.grade").Definition.Config.Text;
    }

    [Fact]
    public void Each_pseudonym_form_gives_the_labels_stage_its_own_config()
    {
        var configs = new[]
        {
            LabelConfig("pseudonym_prefix: ANON-"),
            LabelConfig("pseudonym_prefix: OTHER-"),
            LabelConfig("pseudonym: {format: \"SUBJ-{hash:6}\"}"),
            LabelConfig("pseudonym: {format: \"SUBJ-{hash:8}\"}"),
            LabelConfig("pseudonym: {format: \"SUBJ-{seq:3}\"}", new Dictionary<string, int> { ["TOKEN"] = 1 }),
        };
        Assert.Equal(configs.Length, configs.Distinct(StringComparer.Ordinal).Count());
        // No pseudonym section and the default prefix are one format: the same key.
        Assert.Equal(LabelConfig("pseudonym_prefix: ANON-"), LabelConfig("max_date_shift_days: 365"));
    }

    [Fact]
    public void A_sequential_format_keys_the_vault_numbers_and_a_hash_format_ignores_them()
    {
        const string seq = "pseudonym: {format: \"SUBJ-{seq:3}\"}";
        var one = LabelConfig(seq, new Dictionary<string, int> { ["AAAA"] = 1 });
        var renumbered = LabelConfig(seq, new Dictionary<string, int> { ["AAAA"] = 2 });
        var grown = LabelConfig(seq, new Dictionary<string, int> { ["AAAA"] = 1, ["BBBB"] = 2 });
        Assert.NotEqual(one, renumbered);
        Assert.NotEqual(one, grown);
        Assert.Contains("AAAA", one);

        const string hash = "pseudonym: {format: \"SUBJ-{hash:6}\"}";
        Assert.Equal(LabelConfig(hash), LabelConfig(hash, new Dictionary<string, int> { ["AAAA"] = 1 }));
    }
}
