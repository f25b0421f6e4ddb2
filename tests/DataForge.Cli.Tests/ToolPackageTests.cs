using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// DataForge installs as a .NET tool, and the installed <c>dataforge</c> command works as the README says: the package is
/// packed here as a user packs it (a RID-specific, self-contained tool with one composite ReadyToRun image), installed
/// into a tool path, and runs the repository's example through build, release, verify and a no-op build with no .NET
/// runtime to lean on.
/// </summary>
public sealed class ToolPackageTests
{
    [SkippableFact]
    public void The_package_installs_as_a_self_contained_tool_that_builds_releases_and_verifies_the_example()
    {
        var dotnet = Oracle.Require("dotnet");
        var git = Oracle.Require("git");
        // The configuration these tests were built in. The package is built apart from the tests' build (its own
        // artifacts folder): a linux-x64 publish compiles the whole tool again, and must not write where tests load from.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        using var dir = new TempDirectory("dataforge-tool");
        var pack = Oracle.Run(dotnet, ["pack", Path.Combine(TestData.RepositoryRoot, "src", "DataForge.Cli"), "-c", configuration,
            "--artifacts-path", dir.Combine("artifacts"), "-o", dir.Combine("packages"), "-nologo"], timeout: TimeSpan.FromMinutes(20));
        Assert.True(pack.ExitCode == 0, pack.StandardOutput + pack.StandardError);
        // The pointer package and the linux-x64 one it points to.
        Assert.Equal(["DataForge.Tool.0.1.0.nupkg", "DataForge.Tool.linux-x64.0.1.0.nupkg"],
            Directory.GetFiles(dir.Combine("packages"), "DataForge.Tool.*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal));

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
        var installed = Path.GetDirectoryName(new FileInfo(tool).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? tool)!;
        Assert.True(File.Exists(Path.Combine(installed, "dataforge.r2r.dll")), "the installed tool has no composite ReadyToRun image");
        Assert.True(File.Exists(Path.Combine(installed, "libcoreclr.so")), "the installed tool does not carry its runtime");

        // The installed command with no .NET to find: a framework-dependent tool would look for one under DOTNET_ROOT.
        ProcessResult Run(string directory, params string[] args) =>
            Oracle.Run("/usr/bin/env", ["DOTNET_ROOT=/nonexistent", "PATH=/usr/bin:/bin", tool, .. args], directory, timeout: TimeSpan.FromMinutes(5));

        var init = Run(dir.Path, "init", "scaffolded");
        Assert.True(init.ExitCode == 0, init.StandardError);
        var validate = Run(dir.Combine("scaffolded"), "validate");
        Assert.True(validate.ExitCode == 0, validate.StandardOutput + validate.StandardError);
        Assert.Contains("valid", validate.StandardOutput);

        // The repository's example (96 synthetic DICOM files, de-identified) as a user runs it: build, release, verify.
        var example = Directory.CreateDirectory(dir.Combine("example")).FullName;
        File.Copy(Path.Combine(TestData.RepositoryRoot, "dataforge.yaml"), Path.Combine(example, "dataforge.yaml"));
        CopyTree(Path.Combine(TestData.RepositoryRoot, "examples"), Path.Combine(example, "examples"));
        foreach (var args in new[] { new[] { "init", "-q" }, ["config", "user.name", "tool test"], ["config", "user.email", "tool@example.invalid"] })
            Assert.Equal(0, Oracle.Run(git, args, example).ExitCode);
        var build = Run(example, "build");
        Assert.True(build.ExitCode == 0, build.StandardOutput + build.StandardError);
        var release = Run(example, "release", "v1");
        Assert.True(release.ExitCode == 0, release.StandardOutput + release.StandardError);
        var verify = Run(example, "verify", "v1");
        Assert.True(verify.ExitCode == 0, verify.StandardOutput + verify.StandardError);
        Assert.Contains("rebuilds bit for bit", verify.StandardOutput);
        var again = Run(example, "build", "--json");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        using var json = System.Text.Json.JsonDocument.Parse(again.StandardOutput);
        Assert.All(json.RootElement.GetProperty("stages").EnumerateArray(), s => Assert.Equal(0, s.GetProperty("executed").GetInt32()));
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
