using System.Diagnostics;
using System.Globalization;

namespace DataForge.Engine.Building;

/// <summary>
/// Profiling aid: with the environment variable <c>DATAFORGE_TIMINGS=1</c>, each phase of a build
/// (lock, state.db, index, stages, output folder) prints its wall time in milliseconds to stderr, the
/// time since the process started, the managed heap, resident set and peak resident set, the methods compiled
/// at run time in the phase, and the garbage collections so far (generations 0/1/2). Off (and
/// free) otherwise. Names phases only, never items.
/// </summary>
internal sealed class PhaseClock
{
    private readonly Stopwatch? _watch;

    private long _jitted;
    private TimeSpan _jitTime;

    /// <summary>With <c>DATAFORGE_TIMINGS=live</c>: each mark also collects garbage fully and prints what stays (slow; for memory profiles).</summary>
    private readonly bool _live;

    private PhaseClock(bool on, bool live)
    {
        _watch = on ? Stopwatch.StartNew() : null;
        _live = live;
    }

    /// <summary>A clock that prints when <c>DATAFORGE_TIMINGS=1</c> (or <c>live</c>, see <see cref="_live"/>).</summary>
    public static PhaseClock FromEnvironment() => Environment.GetEnvironmentVariable("DATAFORGE_TIMINGS") switch
    {
        "1" => new(true, false),
        "live" => new(true, true),
        _ => new(false, false),
    };

    /// <summary>Prints the time since the last mark under <paramref name="phase"/>.</summary>
    public void Mark(string phase)
    {
        if (_watch is null) return;
        var ms = _watch.Elapsed.TotalMilliseconds;
        var sinceStart = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        // Memory too: the managed heap (live and garbage not yet collected) and the process's resident set and its peak.
        var heap = GC.GetTotalMemory(forceFullCollection: false) >> 20;
        var live = _live ? $", live {GC.GetTotalMemory(forceFullCollection: true) >> 20} MB" : "";
        var rss = Environment.WorkingSet >> 20;
        // Methods compiled at run time (not precompiled, or re-compiled by tiering) since the last mark, and the time it took.
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitTime = System.Runtime.JitInfo.GetCompilationTime();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"timing: {phase,-22} {ms,8:0.0} ms  (process {sinceStart:0} ms; heap {heap} MB{live} (gc committed {GC.GetGCMemoryInfo().TotalCommittedBytes >> 20} MB), rss {rss} MB ({ResidentSplit()}), peak {PeakResidentMegabytes()} MB; jit {jitted - _jitted} methods {(jitTime - _jitTime).TotalMilliseconds:0} ms; gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)})"));
        _jitted = jitted;
        _jitTime = jitTime;
        _watch.Restart();
    }

    /// <summary>VmHWM of /proc/self/status (Linux), or -1.</summary>
    private static long PeakResidentMegabytes() => StatusMegabytes("VmHWM");

    /// <summary>The resident set's parts: anonymous memory (heaps, stacks) and mapped files (code, state.db's mapped pages).</summary>
    private static string ResidentSplit() => $"anon {StatusMegabytes("RssAnon")}, file {StatusMegabytes("RssFile")}";

    /// <summary>A "Name: N kB" line of /proc/self/status (Linux) in megabytes, or -1.</summary>
    private static long StatusMegabytes(string name)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(name + ":", StringComparison.Ordinal))
                    return long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) >> 10;
        }
        catch (IOException) { }
        return -1;
    }
}
