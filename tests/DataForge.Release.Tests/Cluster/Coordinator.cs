using System.Diagnostics;
using System.Globalization;
using DataForge.Testing;

namespace DataForge.Release.Tests.Cluster;

/// <summary>
/// <c>dataforge build</c> in a process of its own, as a user's terminal starts it in the foreground: to be killed, or
/// sent Ctrl-C or SIGTERM. Two things a child of the test host does not get by itself:
/// <list type="bullet">
/// <item>SIGINT at its default. A child inherits an ignored SIGINT (a test run started as a background job of a
/// non-interactive shell, <c>cmd &amp;</c> in a script, has it ignored), and .NET, like every POSIX program, keeps a
/// SIGINT that was ignored at start ignored: no Ctrl-C handler runs and <c>kill -INT</c> does nothing. A shell resets
/// it for the jobs it runs in the foreground; <c>env --default-signal=INT</c> does the same here.</item>
/// <item>Its stdout and stderr read while it runs: a child whose pipe fills (64 KiB) blocks in its next write.</item>
/// </list>
/// </summary>
public sealed class Coordinator : IDisposable
{
    private const string Env = "/usr/bin/env";

    private readonly Process _process;
    private readonly Task<string> _out;
    private readonly Task<string> _error;

    /// <summary>Starts the coordinator in <paramref name="p"/> with the cluster's <c>SLURM_CONF</c> and <paramref name="environment"/> added.</summary>
    public Coordinator(SlurmCluster cluster, ClusterProject p, IReadOnlyDictionary<string, string>? environment, IEnumerable<string> args)
    {
        Assert.True(File.Exists(Env), $"{Env} (coreutils) is needed to start the coordinator with SIGINT at its default");
        var info = new ProcessStartInfo(Env) { WorkingDirectory = p.Path, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // env execs the runtime in its own pid, so Id is the coordinator's.
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add(Environment.ProcessPath!);
        info.ArgumentList.Add(typeof(DataForge.Cli.Program).Assembly.Location);
        info.ArgumentList.Add("build");
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["SLURM_CONF"] = cluster.ConfigPath;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        _process = Process.Start(info)!;
        _out = _process.StandardOutput.ReadToEndAsync();
        _error = _process.StandardError.ReadToEndAsync();
    }

    /// <summary>The coordinator's pid.</summary>
    public int Id => _process.Id;

    /// <summary>True once it ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Its exit code, once it ended.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything it wrote on stdout (waits for it to end).</summary>
    public string Out => Ended(_out);

    /// <summary>Everything it wrote on stderr (waits for it to end).</summary>
    public string Error => Ended(_error);

    /// <summary>
    /// True when the process has a handler for SIGINT, from <c>/proc/PID/status</c> (SigCgt, bit SIGINT - 1): the runtime
    /// installs one at start unless SIGINT was ignored.
    /// </summary>
    public bool CatchesInterrupt()
    {
        const int sigint = 2;
        var line = File.ReadLines($"/proc/{Id.ToString(CultureInfo.InvariantCulture)}/status").First(l => l.StartsWith("SigCgt:", StringComparison.Ordinal));
        var mask = ulong.Parse(line["SigCgt:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (mask & (1UL << (sigint - 1))) != 0;
    }

    /// <summary>
    /// Sends the signal named <paramref name="name"/> to its pid, as <c>kill -NAME</c> does: <c>INT</c> as a terminal's
    /// Ctrl-C, <c>TERM</c> as <c>kill</c>, <c>timeout</c>, systemd or a batch system stopping it.
    /// </summary>
    public void Signal(string name) =>
        Assert.Equal(0, Oracle.Run("/bin/kill", ["-" + name, Id.ToString(CultureInfo.InvariantCulture)]).ExitCode);

    /// <summary>Waits up to <paramref name="timeout"/> for it to end.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>Kills it (SIGKILL) and waits for it to end.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    private string Ended(Task<string> text)
    {
        _process.WaitForExit();
        return text.Result;
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
