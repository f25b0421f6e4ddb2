using System.Diagnostics;
using System.Globalization;
using DataForge.Engine.Building;

namespace DataForge.Cli.Output;

/// <summary>
/// Progress for a build (or a pull, a push) whose output is redirected (CI logs, <c>tee</c>): at most one line per stage every
/// few seconds on stderr, <c>progress: STAGE DONE/TOTAL (N/s, about M s left)</c>, and one when a stage
/// ends, so a long build is not silent until its summary. Thread-safe: the engine reports from its workers.
/// </summary>
public sealed class ProgressLines(CliConsole console, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (Stopwatch Clock, TimeSpan Printed)> _stages = new(StringComparer.Ordinal);

    /// <summary>The interval of <c>DATAFORGE_PROGRESS_SECONDS</c> (default 5).</summary>
    public static TimeSpan IntervalFrom(Func<string, string?> environment) =>
        double.TryParse(environment("DATAFORGE_PROGRESS_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0
            ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(5);

    public void Report(BuildProgress p) => Report(p.StageId, p.Done, p.Total, null);

    /// <summary>
    /// Progress of a transfer (a pull or a push): <c>progress: NAME DONE/TOTAL instances, N MB (R MB/s, about M s left)</c>.
    /// </summary>
    public void Report(string name, int done, int total, long bytes) => Report(name, done, total, (long?)bytes);

    private void Report(string name, int done, int total, long? bytes)
    {
        var p = (StageId: name, Done: done, Total: total);
        if (p.Total == 0) return;
        lock (_gate)
        {
            if (!_stages.TryGetValue(p.StageId, out var stage)) _stages[p.StageId] = stage = (Stopwatch.StartNew(), TimeSpan.Zero);
            var elapsed = stage.Clock.Elapsed;
            var finished = p.Done >= p.Total;
            if (!finished && elapsed - stage.Printed < interval) return;
            if (finished && stage.Printed == TimeSpan.MaxValue) return;
            _stages[p.StageId] = (stage.Clock, finished ? TimeSpan.MaxValue : elapsed);
            var rate = elapsed.TotalSeconds > 0 ? p.Done / elapsed.TotalSeconds : 0;
            var left = rate > 0 && !finished ? $", about {Math.Ceiling((p.Total - p.Done) / rate).ToString(CultureInfo.InvariantCulture)} s left" : "";
            if (bytes is { } moved)
            {
                var mb = moved / 1048576.0;
                var mbRate = elapsed.TotalSeconds > 0 ? mb / elapsed.TotalSeconds : 0;
                console.Note($"progress: {p.StageId} {p.Done}/{p.Total} instances, {mb.ToString("0.0", CultureInfo.InvariantCulture)} MB " +
                             $"({mbRate.ToString("0.0", CultureInfo.InvariantCulture)} MB/s{left})");
            }
            else console.Note($"progress: {p.StageId} {p.Done}/{p.Total} ({rate.ToString("0.#", CultureInfo.InvariantCulture)}/s{left})");
        }
    }
}
