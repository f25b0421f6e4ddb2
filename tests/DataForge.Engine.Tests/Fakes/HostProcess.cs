using System.Diagnostics;

namespace DataForge.Engine.Tests.Fakes;

/// <summary>Starts DataForge.Engine.TestHost (copied beside the tests) as a separate process that a test can kill.</summary>
public static class HostProcess
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "DataForge.Engine.TestHost.dll");

    /// <summary>Starts the host with arguments, output captured.</summary>
    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath?.EndsWith("dotnet", StringComparison.Ordinal) == true ? Environment.ProcessPath : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start the test host");
    }

    /// <summary>Runs the host to completion (at most two minutes): exit code, stdout, stderr.</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the test host did not finish");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
