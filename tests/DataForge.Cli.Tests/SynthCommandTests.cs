using DataForge.Testing;

namespace DataForge.Cli.Tests;

public sealed class SynthCommandTests
{
    [Fact]
    public void Synth_writes_the_requested_corpus_and_says_what_it_wrote()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run(dir.Path, "synth", "corpus", "--patients", "2", "--slices", "4", "--matrix", "16", "--modalities", "CT");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("wrote 8 files (2 series of 2 fake patients,", result.Out);
        Assert.Equal(8, Directory.GetFiles(dir.Combine("corpus"), "*.dcm", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void Synth_refuses_a_folder_that_is_not_empty()
    {
        using var dir = new TempDirectory();
        dir.WriteText("corpus/keep.txt", "mine");
        var result = CliRunner.Run(dir.Path, "synth", "corpus");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("dataforge: corpus is not empty; choose an empty folder or pass --force\n", result.Error);
    }

    [Fact]
    public void Synth_refuses_bad_options_with_a_usage_error()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run(dir.Path, "synth", "corpus", "--modalities", "PET");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("dataforge: synth: modalities are CT and/or MR\n", result.Error);
    }

    [Fact]
    public void The_committed_example_is_what_synth_writes_today()
    {
        using var dir = new TempDirectory();
        CliRunner.Run(dir.Path, "synth", "dicom", "--patients", "3", "--slices", "16", "--matrix", "64", "--seed", "1");
        var example = Path.Combine(TestData.RepositoryRoot, "examples", "dicom");
        var expected = Directory.GetFiles(example, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(example, f)).Order(StringComparer.Ordinal).ToList();
        var actual = Directory.GetFiles(dir.Combine("dicom"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir.Combine("dicom"), f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        foreach (var f in expected)
            Assert.True(File.ReadAllBytes(Path.Combine(example, f)).AsSpan().SequenceEqual(File.ReadAllBytes(dir.Combine("dicom", f))), f);
    }
}
