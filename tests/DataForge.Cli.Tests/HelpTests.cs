namespace DataForge.Cli.Tests;

public sealed class HelpTests
{
    public static TheoryData<string> CommandNames() => ["init", "validate", "status", "build", "gc", "inspect", "pseudonyms", "synth"];

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Every_command_has_help_with_an_example(string command)
    {
        var result = CliRunner.Run(Path.GetTempPath(), command, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Example:", result.Out);
        Assert.Contains($"dataforge {command}", result.Out);
    }
}
