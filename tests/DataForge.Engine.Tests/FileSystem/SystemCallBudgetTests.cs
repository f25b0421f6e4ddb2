using System.Globalization;
using System.Security.Cryptography;
using DataForge.Testing;
using Xunit;

namespace DataForge.Engine.Tests.FileSystem;

/// <summary>
/// What a cold build costs the kernel per source file, counted by strace around the test host (two builds of
/// different sizes, so the fixed cost of a process cancels out): the per-item system calls the de-identification
/// benchmark showed as overhead must not come back. Each source file of the host's pipeline makes four store objects
/// (two outputs and their metadata) and one published file in the output folder (on ext4: a copy).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SystemCallBudgetTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-syscalls");

    public void Dispose() => _dir.Dispose();

    /// <summary>Calls of each system call, per source file beyond the smaller build's.</summary>
    private Dictionary<string, double> PerFile()
    {
        var strace = Oracle.Require("strace");
        var small = Count(strace, "small", 8);
        var large = Count(strace, "large", 40);
        return large.Keys.Union(small.Keys).ToDictionary(k => k, k => (large.GetValueOrDefault(k) - small.GetValueOrDefault(k)) / 32.0);
    }

    private Dictionary<string, long> Count(string strace, string name, int files)
    {
        var project = _dir.Combine(name);
        var raw = Path.Combine(project, "raw");
        Directory.CreateDirectory(raw);
        for (var i = 0; i < files; i++)
        {
            // Past one read buffer, so a copy takes more than one call of whatever kind.
            var body = Convert.ToHexString(RandomNumberGenerator.GetBytes(200_000));
            File.WriteAllText(Path.Combine(raw, $"f{i:D3}.txt"), $"series={i % 3}\n{body}");
        }
        var counts = _dir.Combine(name + ".strace");
        var host = Path.Combine(AppContext.BaseDirectory, "DataForge.Engine.TestHost.dll");
        var dotnet = Environment.ProcessPath?.EndsWith("dotnet", StringComparison.Ordinal) == true ? Environment.ProcessPath : "dotnet";
        var run = Oracle.Run(strace, ["-f", "-c", "-o", counts, dotnet, host, "build", project, "-j", "1"], timeout: TimeSpan.FromMinutes(2));
        Skip.If(run.ExitCode != 0 && run.StandardError.Contains("ptrace", StringComparison.Ordinal), "strace cannot trace here (ptrace refused)");
        Assert.True(run.ExitCode == 0, run.StandardError);
        // strace -c: "% time seconds usecs/call calls [errors] syscall", then a total line.
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(counts))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length < 5 || !double.TryParse(cells[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _) || cells[^1] == "total") continue;
            result[cells[^1]] = long.Parse(cells[3], CultureInfo.InvariantCulture);
        }
        return result;
    }

    private static string Describe(Dictionary<string, double> perFile) =>
        string.Join(", ", perFile.Where(p => p.Value >= 0.1).OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:0.##}"));

    [SkippableFact]
    public void A_cold_build_tries_no_clone_per_file_on_a_file_system_that_has_none_and_takes_no_lock_per_file()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "Linux system calls");
        var perFile = PerFile();

        // ext4 or tmpfs here: the first FICLONE fails as unsupported, and no later file tries again.
        Assert.True(perFile.GetValueOrDefault("ioctl") < 0.1, Describe(perFile));
        // The published copy opens its object and its new file with plain open(2): no flock on either.
        Assert.True(perFile.GetValueOrDefault("flock") < 0.1, Describe(perFile));
        // Copied with pread and pwrite on the plain descriptors: no lseek a FileStream's RandomAccess added.
        Assert.True(perFile.GetValueOrDefault("lseek") < 0.1, Describe(perFile));
    }

    [SkippableFact]
    public void Objects_take_no_fchmod_and_temporary_names_no_random_read_and_a_rename_no_stat()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "Linux system calls");
        var perFile = PerFile();

        // Under a umask that leaves 0444 alone (022 here), open(2) made the object 0444 already.
        Assert.True(perFile.GetValueOrDefault("fchmod") < 0.1, Describe(perFile));
        // A GUID per temporary file read /dev/urandom: five reads per file of this pipeline, beside the hashing's one.
        Assert.True(perFile.GetValueOrDefault("read") < 5, Describe(perFile));
        // File.Move stat-ed and lstat-ed the source before its rename; the output folder was stat-ed for every file.
        Assert.True(perFile.GetValueOrDefault("lstat") < 0.1, Describe(perFile));
    }

    [SkippableFact]
    public void Under_a_umask_that_takes_read_bits_objects_are_still_0444()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "Unix modes");
        var project = _dir.Combine("umask");
        Directory.CreateDirectory(Path.Combine(project, "raw"));
        File.WriteAllText(Path.Combine(project, "raw", "a.txt"), "series=1\nbody");
        var host = Path.Combine(AppContext.BaseDirectory, "DataForge.Engine.TestHost.dll");
        var dotnet = Environment.ProcessPath?.EndsWith("dotnet", StringComparison.Ordinal) == true ? Environment.ProcessPath : "dotnet";

        var run = Oracle.Run("/bin/sh", ["-c", "umask 077 && exec \"$0\" \"$1\" build \"$2\" -j 1", dotnet!, host, project]);

        Assert.True(run.ExitCode == 0, run.StandardError);
        var objects = Directory.GetFiles(Path.Combine(project, ".dataforge", "objects"), "*", SearchOption.AllDirectories);
        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(o)));
    }
}
