using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ValidateCommandTests() => Directory.CreateDirectory(_dir.Combine("raw"));

    public void Dispose() => _dir.Dispose();

    private const string Valid = "version: 1\nname: demo\nsources:\n  - {id: ct, kind: dicom, path: raw}\n";

    [Fact]
    public void A_valid_manifest_exits_zero()
    {
        _dir.WriteText("dataforge.yaml", Valid);
        var result = CliRunner.Run(_dir.Path, "validate");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("dataforge.yaml: valid (demo: 1 source, output out/)\n", result.Out);
    }

    [Fact]
    public void Each_problem_is_one_line_on_stderr_and_the_exit_code_is_two()
    {
        _dir.WriteText("m/bad.yaml", "version: 1\nname: demo\nsources:\n  - {id: ct, kind: dicom, path: nowhere, extra: 1}\n");
        var result = CliRunner.Run(_dir.Path, "validate", "-f", "m/bad.yaml");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal(
            [
                "m/bad.yaml:4:42: unknown key 'extra' in sources[0] (allowed: id, kind, path, url, query, auth, ca_file, include, exclude, format, key, subject, modality, fields, metadata, on_unreadable)",
                "m/bad.yaml: 1 problem",
            ],
            result.ErrorLines);
    }

    [Fact]
    public void Json_output_is_one_document_on_stdout()
    {
        _dir.WriteText("dataforge.yaml", Valid.Replace("path: raw", "path: gone"));
        var result = CliRunner.Run(_dir.Path, "validate", "--json");
        Assert.Equal(2, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        var problem = Assert.Single(doc.RootElement.GetProperty("problems").EnumerateArray());
        Assert.Equal(4, problem.GetProperty("line").GetInt32());
        Assert.Contains("source folder 'gone' does not exist", problem.GetProperty("message").GetString());
    }

    [Fact]
    public void Harmonise_steps_without_the_nifti_layout_are_refused_with_exit_code_two()
    {
        _dir.WriteText("dataforge.yaml", Valid + "harmonise:\n  - reorient: RAS\n");
        var result = CliRunner.Run(_dir.Path, "validate");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("dataforge.yaml:6:3: harmonise: steps make volumes", result.Error);
    }

    [Fact]
    public void Broken_yaml_gives_one_line_and_no_stack_trace()
    {
        _dir.WriteText("dataforge.yaml", "version: 1\nname: \"demo\nsources: []\n");
        var result = CliRunner.Run(_dir.Path, "validate");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(2, result.ErrorLines.Count);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void An_unknown_command_is_a_usage_error()
    {
        var result = CliRunner.Run(_dir.Path, "frobnicate");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'frobnicate' is not a command", result.Error);
    }

    [Fact]
    public void The_repository_example_validates_from_the_command_line()
    {
        var result = CliRunner.Run(TestData.RepositoryRoot, "validate");
        Assert.Equal("", result.Error);
        Assert.Equal(0, result.ExitCode);
    }
}
