using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Engine.Cluster;

/// <summary>
/// What one array task made: <c>result-T.json</c> beside its <see cref="WorkList"/>, written by temp and rename after
/// every object it names is durable in the store, so the coordinator (or the next build, after a coordinator was
/// killed) never reads a partial result and never records an action whose objects are not there.
/// <code>
/// { "format": 1, "task": T, "actions": [ { "key": HEX, "outputs": [ { "path", "object", "size", "metadata" } ] }
///                                     | { "key": HEX, "failure": REASON, "missing_input": BOOL } ] }
/// </code>
/// Failure reasons name no PHI (the stage contract); the action's index is its place in the task's shard.
/// </summary>
internal sealed record WorkResult
{
    public int Format { get; init; } = WorkList.CurrentFormat;

    public required int Task { get; init; }

    public required List<ActionResult> Actions { get; init; }

    public static string FileName(int task) => $"result-{task}.json";

    public void Write(string folder) => PrivateFile.Write(Path.Combine(folder, FileName(Task)), JsonSerializer.SerializeToUtf8Bytes(this, WorkList.Json));

    /// <summary>The tasks whose result file is in <paramref name="folder"/> (one listing of it).</summary>
    public static IEnumerable<int> Present(string folder)
    {
        foreach (var path in Directory.EnumerateFiles(folder, "result-*.json"))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (int.TryParse(name.AsSpan("result-".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var task))
                yield return task;
        }
    }

    /// <summary>The result of task <paramref name="task"/>, or null when there is none (yet), or it is unreadable.</summary>
    public static WorkResult? TryRead(string folder, int task)
    {
        var path = Path.Combine(folder, FileName(task));
        try
        {
            var result = JsonSerializer.Deserialize<WorkResult>(File.ReadAllBytes(path), WorkList.Json);
            return result is { Format: WorkList.CurrentFormat } && result.Task == task ? result : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}

/// <summary>One action's outcome in a <see cref="WorkResult"/>.</summary>
internal sealed record ActionResult
{
    public required string Key { get; init; }

    public List<WorkOutput>? Outputs { get; init; }

    public string? Failure { get; init; }

    public bool MissingInput { get; init; }

    public List<OutputRecord>? Records() =>
        Outputs?.Select(o => new OutputRecord(o.Path, ContentHash.Parse(o.Object), o.Size, ContentHash.Parse(o.Metadata))).ToList();
}

/// <summary>One output of an <see cref="ActionResult"/>.</summary>
internal sealed record WorkOutput(string Path, string Object, long Size, string Metadata)
{
    public static WorkOutput Of(OutputRecord r) => new(r.Path, r.Object.Hex, r.Size, r.Metadata.Hex);
}
