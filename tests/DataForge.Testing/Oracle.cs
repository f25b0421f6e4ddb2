using System.Diagnostics;
using Xunit;

namespace DataForge.Testing;

/// <summary>
/// Tools that no one here wrote (dcmtk, dicom3tools, pydicom, nibabel, dcm2niix, gdcm), used as
/// oracles. A test that needs one calls <see cref="Require"/>: when the tool is missing the test is
/// skipped on a developer's machine, and fails under CI (<c>CI=true</c>), where .ci/run installs it.
/// </summary>
public static class Oracle
{
    /// <summary>Debian's interpreter: the one that has python3-pydicom and python3-nibabel.</summary>
    public const string DebianPython = "/usr/bin/python3";

    /// <summary>True when the environment says this is a CI run.</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Full path of an executable on PATH, or null.</summary>
    public static string? Find(string tool)
    {
        if (Path.IsPathRooted(tool))
            return File.Exists(tool) ? tool : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Skips (or, under CI, fails) the calling test unless the tool exists; returns its path.</summary>
    public static string Require(string tool)
    {
        var path = Find(tool);
        if (path is null) Missing($"oracle tool '{tool}' is not installed (.ci/run installs it)");
        return path!;
    }

    /// <summary>Skips (or fails under CI) unless Debian's python3 can import every module named.</summary>
    public static string RequirePython(params string[] modules)
    {
        var python = Require(DebianPython);
        var result = Run(python, ["-c", string.Join(";", modules.Select(m => "import " + m))]);
        if (result.ExitCode != 0)
            Missing($"{DebianPython} cannot import {string.Join(", ", modules)} (.ci/run installs the Debian packages)");
        return python;
    }

    private static void Missing(string reason)
    {
        if (IsCi) Assert.Fail(reason + "; CI=true makes a missing oracle a failure");
        Skip.If(true, reason);
    }

    /// <summary>Runs a process to completion and captures its output (UTF-8).</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        string? standardInput = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in time");
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>Exit code and captured output of a finished process.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);
