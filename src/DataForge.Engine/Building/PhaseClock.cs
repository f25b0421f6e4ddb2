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
        var status = StatusMegabytes();
        // Methods compiled at run time (not precompiled, or re-compiled by tiering) since the last mark, and the time it took.
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitTime = System.Runtime.JitInfo.GetCompilationTime();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"timing: {phase,-22} {ms,8:0.0} ms  (process {sinceStart:0} ms; heap {heap} MB{live} (gc committed {GC.GetGCMemoryInfo().TotalCommittedBytes >> 20} MB), rss {rss} MB (anon {status.GetValueOrDefault("RssAnon", -1)}, file {status.GetValueOrDefault("RssFile", -1)}), peak {status.GetValueOrDefault("VmHWM", -1)} MB; jit {jitted - _jitted} methods {(jitTime - _jitTime).TotalMilliseconds:0} ms; gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)})"));
        _jitted = jitted;
        _jitTime = jitTime;
        _watch.Restart();
    }

    /// <summary>
    /// The "Name: N kB" lines of /proc/self/status (Linux) in megabytes, read once per mark: VmHWM (peak resident set),
    /// RssAnon (heaps, stacks) and RssFile (code, state.db's mapped pages). Empty elsewhere.
    /// </summary>
    private static Dictionary<string, long> StatusMegabytes()
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                var colon = line.IndexOf(':');
                if (colon > 0 && line.EndsWith(" kB", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(colon + 1, line.Length - colon - 4).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
                    values[line[..colon]] = kb >> 10;
            }
        }
        catch (IOException) { }
        return values;
    }
}
