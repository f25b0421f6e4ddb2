using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>DataForge installs as a .NET tool, and the installed <c>dataforge</c> command works as the README says.</summary>
public sealed class ToolPackageTests
{
    [SkippableFact]
    public void The_package_installs_as_a_dotnet_tool_whose_dataforge_command_scaffolds_and_validates_a_project()
    {
        var dotnet = Oracle.Require("dotnet");
        // The configuration these tests were built in: pack what is built, build nothing.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        using var dir = new TempDirectory("dataforge-tool");
        var pack = Oracle.Run(dotnet, ["pack", Path.Combine(TestData.RepositoryRoot, "src", "DataForge.Cli"), "-c", configuration, "--no-build", "--no-restore", "-o", dir.Combine("packages")], timeout: TimeSpan.FromMinutes(5));
        Assert.True(pack.ExitCode == 0, pack.StandardOutput + pack.StandardError);
        Assert.Single(Directory.GetFiles(dir.Combine("packages"), "DataForge.Tool.*.nupkg"));

        // Offline, from the folder alone (CI cuts the network off): a NuGet configuration naming only that folder.
        var config = dir.WriteText("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{dir.Combine("packages")}" />
              </packageSources>
            </configuration>
            """);
        var install = Oracle.Run(dotnet, ["tool", "install", "DataForge.Tool", "--tool-path", dir.Combine("tools"), "--configfile", config], timeout: TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, install.StandardOutput + install.StandardError);
        var tool = dir.Combine("tools", "dataforge");

        var init = Oracle.Run(tool, ["init", "project"], dir.Path);
        Assert.True(init.ExitCode == 0, init.StandardError);
        var validate = Oracle.Run(tool, ["validate"], dir.Combine("project"));
        Assert.True(validate.ExitCode == 0, validate.StandardOutput + validate.StandardError);
        Assert.Contains("valid", validate.StandardOutput);
    }
}
