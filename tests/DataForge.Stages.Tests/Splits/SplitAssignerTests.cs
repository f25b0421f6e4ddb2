using System.Text.Json;
using DataForge.Stages.Splits;

namespace DataForge.Stages.Tests.Splits;

public sealed class SplitAssignerTests
{
    private static readonly byte[] Secret = "split-secret-0123456789abcdef-xyz"u8.ToArray();

    private static SplitPolicy Policy(string json) => SplitPolicy.From(JsonDocument.Parse(json).RootElement);

    private static List<string> Patients(int count, int from = 0) =>
        Enumerable.Range(from, count).Select(i => $"ANON-P{i:D6}").ToList();

    [Fact]
    public void Adding_patients_leaves_every_existing_assignment_unchanged()
    {
        var assigner = new SplitAssigner(Secret, Policy("""{"ratios":{"train":0.7,"val":0.1,"test":0.2},"seed":7,"folds":5}"""));
        var before = assigner.AssignAll(Patients(500).Select(p => (p, (string?)null))).ToDictionary(a => a.Pseudonym);
        var after = assigner.AssignAll(Patients(1500).Select(p => (p, (string?)null))).ToDictionary(a => a.Pseudonym);
        Assert.Equal(1500, after.Count);
        foreach (var (pseudonym, a) in before) Assert.Equal(a, after[pseudonym]);
    }

    [Fact]
    public void Ratios_on_a_thousand_patients_are_within_four_points()
    {
        var assigner = new SplitAssigner(Secret, Policy("""{"ratios":{"train":0.7,"val":0.1,"test":0.2},"seed":"s1"}"""));
        var all = assigner.AssignAll(Patients(1000).Select(p => (p, (string?)null)));
        // Binomial standard deviation at n=1000, p=0.7 is 1.45 points; 4 points is beyond 2.7 sigma.
        Assert.InRange(all.Count(a => a.Split == "train") / 1000.0, 0.66, 0.74);
        Assert.InRange(all.Count(a => a.Split == "val") / 1000.0, 0.07, 0.13);
        Assert.InRange(all.Count(a => a.Split == "test") / 1000.0, 0.16, 0.24);
    }

    [Fact]
    public void No_patient_is_in_two_splits_even_when_listed_twice()
    {
        var assigner = new SplitAssigner(Secret, Policy("""{"ratios":{"train":0.5,"test":0.5}}"""));
        var patients = Patients(300).Concat(Patients(300)).Select(p => (p, (string?)null));
        var all = assigner.AssignAll(patients);
        Assert.Equal(300, all.Count);
        Assert.Equal(300, all.Select(a => a.Pseudonym).Distinct().Count());
    }

    [Fact]
    public void Each_stratum_holds_the_ratios_within_tolerance()
    {
        var assigner = new SplitAssigner(Secret, Policy("""{"ratios":{"train":0.8,"test":0.2},"stratify":"grade"}"""));
        // A rare stratum (10%) and a common one; each is cut by the ratios on its own.
        var patients = Patients(2000).Select((p, i) => (p, (string?)(i % 10 == 0 ? "high" : "low"))).ToList();
        var all = assigner.AssignAll(patients);
        foreach (var stratum in new[] { "high", "low" })
        {
            var members = all.Where(a => a.Stratum == stratum).ToList();
            var test = members.Count(a => a.Split == "test") / (double)members.Count;
            // n=200: sd 2.8 points; n=1800: sd 0.9 points. Tolerance 3 sd of the small stratum.
            Assert.InRange(test, 0.2 - 0.085, 0.2 + 0.085);
        }
    }

    [Fact]
    public void The_seed_changes_the_assignment_and_the_secret_does_too()
    {
        var patients = Patients(200).Select(p => (p, (string?)null)).ToList();
        var a = new SplitAssigner(Secret, Policy("""{"ratios":{"train":0.5,"test":0.5},"seed":1}""")).AssignAll(patients);
        var b = new SplitAssigner(Secret, Policy("""{"ratios":{"train":0.5,"test":0.5},"seed":2}""")).AssignAll(patients);
        var c = new SplitAssigner("another-secret-0123456789abcdef"u8.ToArray(), Policy("""{"ratios":{"train":0.5,"test":0.5},"seed":1}""")).AssignAll(patients);
        Assert.True(a.Zip(b).Count(p => p.First.Split != p.Second.Split) > 50);
        Assert.True(a.Zip(c).Count(p => p.First.Split != p.Second.Split) > 50);
    }

    [Fact]
    public void The_order_of_the_ratios_in_the_manifest_does_not_matter()
    {
        var patients = Patients(300).Select(p => (p, (string?)null)).ToList();
        var a = new SplitAssigner(Secret, Policy("""{"ratios":{"train":0.7,"test":0.3}}""")).AssignAll(patients);
        var b = new SplitAssigner(Secret, Policy("""{"ratios":{"test":0.3,"train":0.7}}""")).AssignAll(patients);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Folds_cut_the_non_test_patients_into_nearly_equal_parts_and_test_has_none()
    {
        var assigner = new SplitAssigner(Secret, Policy("""{"ratios":{"train":0.8,"test":0.2},"folds":5}"""));
        var all = assigner.AssignAll(Patients(1000).Select(p => (p, (string?)null)));
        Assert.All(all.Where(a => a.Split == "test"), a => Assert.Null(a.Fold));
        var train = all.Where(a => a.Split == "train").ToList();
        for (var k = 0; k < 5; k++)
            Assert.InRange(train.Count(a => a.Fold == k) / (double)train.Count, 0.2 - 0.05, 0.2 + 0.05);
    }

    [Fact]
    public void A_split_with_ratio_zero_gets_no_patient()
    {
        var assigner = new SplitAssigner(Secret, Policy("""{"ratios":{"train":1.0,"val":0}}"""));
        Assert.All(assigner.AssignAll(Patients(200).Select(p => (p, (string?)null))), a => Assert.Equal("train", a.Split));
    }
}
