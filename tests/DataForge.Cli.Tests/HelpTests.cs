namespace DataForge.Cli.Tests;

public sealed class HelpTests
{
    public static TheoryData<string> CommandNames() =>
        ["init", "validate", "status", "build", "gc", "inspect", "pseudonyms", "synth", "release", "log", "diff", "verify", "export", "audit"];

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Every_command_has_help_with_an_example(string command)
    {
        var result = CliRunner.Run(Path.GetTempPath(), command, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Example:", result.Out);
        Assert.Contains($"dataforge {command}", result.Out);
    }

    [Theory]
    [InlineData("bild", "build")]
    [InlineData("relase", "release")]
    [InlineData("verfy", "verify")]
    public void A_mistyped_command_gets_the_closest_one(string typed, string meant)
    {
        var result = CliRunner.Run(Path.GetTempPath(), typed);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"dataforge: '{typed}' is not a command; did you mean '{meant}'?", result.ErrorLines[0]);
    }

    [Fact]
    public void A_word_close_to_no_command_is_refused_without_a_guess()
    {
        var result = CliRunner.Run(Path.GetTempPath(), "frobnicate");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("dataforge: 'frobnicate' is not a command", result.ErrorLines[0]);
    }
}
