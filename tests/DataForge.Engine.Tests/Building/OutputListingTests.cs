using System.Security.Cryptography;
using System.Text;
using DataForge.Engine.Building;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

public sealed class OutputListingTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private OutputListing List() => _project.Engine.ListOutputs(_project.Pipeline(), new BuildOptions { Jobs = 2 });

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private string SourceSha(string relative) => Sha(_project.Fs.ReadText($"{TestProject.Raw}/{relative}"));

    [Fact]
    public void After_a_clean_build_it_lists_exactly_the_output_folder_with_hashes_stages_and_inputs()
    {
        _project.WriteMany(6, seriesCount: 2);
        _project.Build();

        var listing = List();

        Assert.True(listing.Complete, string.Join("; ", listing.Problems));
        Assert.True(listing.LastBuildSucceeded);
        var files = _project.Outputs();
        Assert.Equal(files.Select(f => f.Path), listing.Outputs.Select(o => o.Path));
        Assert.All(listing.Outputs, o => Assert.Equal(Sha(files.Single(f => f.Path == o.Path).Text), o.Object.Hex));
        Assert.All(listing.Outputs, o => Assert.Equal(Encoding.UTF8.GetByteCount(files.Single(f => f.Path == o.Path).Text), o.Size));

        // header passes content through: an upper output's one input is its source file's content.
        var upper = listing.Outputs.Where(o => o.StageId == "upper").ToList();
        Assert.Equal(6, upper.Count);
        var sources = Enumerable.Range(0, 6).Select(i => SourceSha($"s{i % 2}/i{i:D3}.txt")).ToHashSet();
        Assert.All(upper, o => Assert.Contains(Assert.Single(o.Inputs).Hex, sources));
        Assert.All(upper, o => Assert.Matches("^\\{\"series\":\"S[01]\"\\}$", o.MetadataJson));

        // The series S0 volume read the three S0 files; stats read the six upper outputs.
        var volume = listing.Outputs.Single(o => o.Path == "volumes/S0.txt");
        Assert.Equal(new[] { 0, 2, 4 }.Select(i => SourceSha($"s0/i{i:D3}.txt")).Order(), volume.Inputs.Select(h => h.Hex).Order());
        var stats = listing.Outputs.Single(o => o.Path == "stats.txt");
        Assert.Equal(upper.Select(o => o.Object.Hex).Order(), stats.Inputs.Select(h => h.Hex).Order());
        Assert.Equal(6, listing.Sources.Count);
        Assert.Equal(sources.Order(), listing.Sources.Select(s => s.Hash.Hex).Order());
    }

    [Fact]
    public void The_listing_runs_nothing_and_writes_no_state()
    {
        _project.WriteMany(3);
        _project.Build();
        var before = _project.Status();

        List();

        Assert.True(before.UpToDate);
        Assert.Equal(0, _project.Build().ExecutedCount);
    }

    [Fact]
    public void A_changed_source_or_a_failed_item_makes_the_listing_incomplete()
    {
        _project.WriteMany(3);
        _project.Build();
        _project.WriteSource("s0/i000.txt", "S0", "edited");

        var stale = List();
        Assert.False(stale.Complete);
        Assert.Contains(stale.Problems, p => p.Contains("1 changed", StringComparison.Ordinal));

        _project.FailOn = "edited";
        _project.Build();
        var failed = List();
        Assert.False(failed.LastBuildSucceeded);
        Assert.Contains(failed.Problems, p => p.StartsWith("stage upper: 1 action(s) not built", StringComparison.Ordinal));
        Assert.DoesNotContain(failed.Problems, p => p.Contains("i000", StringComparison.Ordinal));
    }

    [Fact]
    public void Nothing_built_yet_is_incomplete_without_creating_state()
    {
        _project.WriteMany(2);
        var listing = List();
        Assert.False(listing.Complete);
        Assert.Empty(listing.Outputs);
    }
}
