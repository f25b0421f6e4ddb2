using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace DataForge.Testing;

/// <summary>
/// A real single-node Slurm (Debian's <c>slurm-wlm</c> and <c>munge</c>) for the cluster tests: <c>munged</c> with a
/// fresh key, <c>slurmctld</c> and <c>slurmd</c> with a generated <c>slurm.conf</c> (SlurmUser root, state, spool, logs
/// and the munge socket in a temporary folder, free loopback ports), started by this process and stopped by the pids
/// it started, never by name. The daemons listen on the network, so they run only inside a network namespace of the
/// test run's own (<c>unshare -n</c> with <c>lo</c> up, as <c>.ci/run</c> runs the tests); anywhere else the test is
/// skipped with the command that runs it. In such a namespace glibc's AI_ADDRCONFIG makes slurmctld fail to bind
/// when only loopback has an address, so the fixture adds a veth pair (<see cref="VethNames"/>) with a TEST-NET
/// address; the namespace ends with the test run and takes the pair with it.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    /// <summary>The veth pair the fixture adds; <see cref="OrthancServer"/> does not count it as a shared network.</summary>
    public static readonly IReadOnlyList<string> VethNames = ["dfslurm0", "dfslurm1"];

    /// <summary>The one partition.</summary>
    public const string Partition = "dataforge";

    private readonly TempDirectory _dir = new("dfslurm");
    private readonly List<Process> _daemons = [];
    private int? _mungePid;

    private SlurmCluster() { }

    /// <summary>The <c>slurm.conf</c> every Slurm command needs (pass it as <c>SLURM_CONF</c>).</summary>
    public string ConfigPath => _dir.Combine("slurm.conf");

    /// <summary>The environment the Slurm commands and the CLI under test need: <c>SLURM_CONF</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["SLURM_CONF"] = ConfigPath };

    /// <summary>The folder of the cluster's state, spool and logs.</summary>
    public string Folder => _dir.Path;

    /// <summary>
    /// Starts a cluster, or skips the test: when the process shares a network (an interface other than <c>lo</c> and
    /// this fixture's pair) or, off CI, when Slurm or munge is not installed.
    /// </summary>
    public static SlurmCluster Start()
    {
        var shared = Interfaces().Where(n => n != "lo" && !VethNames.Contains(n)).ToList();
        Skip.If(shared.Count > 0,
            $"slurmctld and slurmd listen on the network, so they run only in a network namespace of their own (this one has {string.Join(", ", shared)}): " +
            "unshare -n bash -c 'ip link set lo up && exec dotnet test tests/DataForge.Release.Tests -c Release --no-build --filter FullyQualifiedName~Cluster'");
        string[] tools = ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch", "/usr/bin/sinfo", "/usr/sbin/runuser", "/usr/sbin/ip"];
        var missing = tools.Where(t => !File.Exists(t)).ToList();
        if (missing.Count > 0)
        {
            var reason = $"{string.Join(", ", missing)} not installed (.ci/run installs slurm-wlm, munge and iproute2)";
            if (Oracle.IsCi) Assert.Fail(reason);
            Skip.If(true, reason);
        }
        var cluster = new SlurmCluster();
        try
        {
            cluster.Boot();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private void Boot()
    {
        if (!Interfaces().Contains(VethNames[0]))
        {
            Must("/usr/sbin/ip", "link", "add", VethNames[0], "type", "veth", "peer", "name", VethNames[1]);
            Must("/usr/sbin/ip", "addr", "add", "192.0.2.1/24", "dev", VethNames[0]);
            Must("/usr/sbin/ip", "link", "set", VethNames[0], "up");
            Must("/usr/sbin/ip", "link", "set", VethNames[1], "up");
        }
        StartMunge();
        var host = System.Net.Dns.GetHostName();
        var (ctld, slurmd) = (FreePort(), FreePort());
        foreach (var d in new[] { "state", "spool", "log" }) Directory.CreateDirectory(_dir.Combine(d));
        File.WriteAllText(ConfigPath, $"""
            ClusterName=dataforge
            SlurmctldHost={host}(127.0.0.1)
            SlurmUser=root
            SlurmdUser=root
            SlurmctldPort={ctld}
            SlurmdPort={slurmd}
            AuthType=auth/munge
            CredType=cred/munge
            AuthInfo=socket={MungeSocket}
            StateSaveLocation={_dir.Combine("state")}
            SlurmdSpoolDir={_dir.Combine("spool")}
            SlurmctldPidFile={_dir.Combine("slurmctld.pid")}
            SlurmdPidFile={_dir.Combine("slurmd.pid")}
            SlurmctldLogFile={_dir.Combine("log", "slurmctld.log")}
            SlurmdLogFile={_dir.Combine("log", "slurmd.log")}
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SchedulerType=sched/backfill
            SchedulerParameters=sched_interval=1
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            MaxArraySize=100001
            MaxJobCount=200000
            MinJobAge=600
            ReturnToService=2
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            JobCompType=jobcomp/none
            MpiDefault=none
            NodeName={host} NodeAddr=127.0.0.1 CPUs={System.Environment.ProcessorCount} State=UNKNOWN
            PartitionName={Partition} Nodes={host} Default=YES MaxTime=INFINITE State=UP

            """);
        _daemons.Add(Daemon("/usr/sbin/slurmctld", "-D"));
        _daemons.Add(Daemon("/usr/sbin/slurmd", "-D"));
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            foreach (var daemon in _daemons)
                if (daemon.HasExited) throw new InvalidOperationException($"{daemon.StartInfo.FileName} exited with {daemon.ExitCode}:\n{Logs()}");
            var sinfo = Run("/usr/bin/sinfo", "-h", "-o", "%T");
            if (sinfo.ExitCode == 0 && sinfo.StandardOutput.Trim() == "idle") return;
            Thread.Sleep(250);
        }
        throw new InvalidOperationException($"the node did not become idle within 90 s:\n{Logs()}");
    }

    private string MungeFolder => _dir.Combine("munge");

    /// <summary>The munge socket slurm.conf names (munged runs as <c>munge</c> and owns its folder).</summary>
    public string MungeSocket => System.IO.Path.Combine(MungeFolder, "munge.socket");

    private void StartMunge()
    {
        Directory.CreateDirectory(MungeFolder);
        var key = System.IO.Path.Combine(MungeFolder, "munge.key");
        File.WriteAllBytes(key, System.Security.Cryptography.RandomNumberGenerator.GetBytes(1024));
        Must("/usr/bin/chmod", "0400", key);
        // Every client needs to reach the socket: the folder is world-searchable, owned by munge.
        Must("/usr/bin/chmod", "0755", MungeFolder);
        Must("/usr/bin/chown", "-R", "munge:munge", MungeFolder);
        var pidFile = System.IO.Path.Combine(MungeFolder, "munged.pid");
        // munged forks into the background; its pid file names the daemon to stop.
        Must("/usr/sbin/runuser", "-u", "munge", "--", "/usr/sbin/munged", $"--key-file={key}", $"--socket={MungeSocket}",
            $"--pid-file={pidFile}", $"--log-file={System.IO.Path.Combine(MungeFolder, "munged.log")}",
            $"--seed-file={System.IO.Path.Combine(MungeFolder, "munged.seed")}");
        _mungePid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Process Daemon(string executable, params string[] args)
    {
        var info = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["SLURM_CONF"] = ConfigPath;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a Slurm command (<c>sbatch</c>, <c>squeue</c>, <c>scancel</c>, ...) against this cluster.</summary>
    public ProcessResult Run(string executable, params string[] args)
    {
        var info = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["SLURM_CONF"] = ConfigPath;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60))) process.Kill();
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Waits until no job is pending or running (or the timeout passes: then fails).</summary>
    public void WaitIdle(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var queue = Run("/usr/bin/squeue", "-h", "-o", "%i");
            if (queue.ExitCode == 0 && queue.StandardOutput.Trim().Length == 0) return;
            Thread.Sleep(250);
        }
        Assert.Fail($"jobs still queued after {timeout.TotalSeconds} s:\n{Run("/usr/bin/squeue").StandardOutput}");
    }

    /// <summary>The daemons' logs, for failure messages.</summary>
    public string Logs()
    {
        var text = new StringBuilder();
        foreach (var log in new[] { _dir.Combine("log", "slurmctld.log"), _dir.Combine("log", "slurmd.log"), System.IO.Path.Combine(MungeFolder, "munged.log") })
            if (File.Exists(log)) text.AppendLine($"== {System.IO.Path.GetFileName(log)}").AppendLine(string.Join('\n', File.ReadLines(log).TakeLast(30)));
        return text.ToString();
    }

    private void Must(string executable, params string[] args)
    {
        var result = Oracle.Run(executable, args);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{executable} {string.Join(' ', args)} exited with {result.ExitCode}: {result.StandardError}");
    }

    /// <summary>
    /// The network interfaces of this process's namespace. /proc/net/dev is per namespace; /sys/class/net shows the
    /// namespace that mounted /sys, which <c>unshare -n</c> does not remount.
    /// </summary>
    private static List<string> Interfaces() =>
        File.Exists("/proc/net/dev")
            ? File.ReadLines("/proc/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).Where(n => n.Length > 0).ToList()
            : [];

    /// <summary>The processes (other than this one) whose environment names this cluster's slurm.conf.</summary>
    private List<int> ProcessesOfThisCluster()
    {
        var mine = $"SLURM_CONF={ConfigPath}";
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(folder), out var pid) || pid == System.Environment.ProcessId) continue;
            try
            {
                if (File.ReadAllText(System.IO.Path.Combine(folder, "environ")).Split('\0').Contains(mine)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the daemons this fixture started, by their pids, then removes the folder.</summary>
    public void Dispose()
    {
        // Jobs still on the node end with it: slurmstepd would outlive slurmd otherwise.
        if (_daemons.Count == 2 && !_daemons[0].HasExited)
        {
            var jobs = Run("/usr/bin/squeue", "-h", "-o", "%A").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
            if (jobs.Length > 0) Run("/usr/bin/scancel", jobs);
        }
        foreach (var daemon in _daemons)
        {
            try
            {
                if (!daemon.HasExited)
                {
                    daemon.Kill();
                    daemon.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException) { }
            daemon.Dispose();
        }
        // A slurmstepd whose slurmd is gone lingers, trying to report its step's end: this cluster's are known by the
        // SLURM_CONF they inherited, and stopped by their pids.
        foreach (var straggler in ProcessesOfThisCluster())
        {
            try
            {
                using var process = Process.GetProcessById(straggler);
                process.Kill();
                process.WaitForExit(10_000);
            }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        if (_mungePid is { } pid)
        {
            try
            {
                using var munged = Process.GetProcessById(pid);
                munged.Kill();
                munged.WaitForExit(10_000);
            }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        _dir.Dispose();
    }
}
