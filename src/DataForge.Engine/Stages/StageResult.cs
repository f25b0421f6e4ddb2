namespace DataForge.Engine.Stages;

/// <summary>The value an action returns: its outputs, or a failure with a reason that names no content.</summary>
public sealed class StageResult
{
    private StageResult(IReadOnlyList<StageOutput> outputs, string? failure)
    {
        Outputs = outputs;
        FailureReason = failure;
    }

    /// <summary>The outputs (empty on failure; may be empty on success).</summary>
    public IReadOnlyList<StageOutput> Outputs { get; }

    /// <summary>Why the action failed, or null.</summary>
    public string? FailureReason { get; }

    /// <summary>True when the action failed.</summary>
    public bool IsFailure => FailureReason is not null;

    /// <summary>A successful action.</summary>
    public static StageResult Success(params IEnumerable<StageOutput> outputs) => new(outputs.ToArray(), null);

    /// <summary>A failed action; the reason must not carry patient data.</summary>
    public static StageResult Failed(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new StageResult([], reason);
    }
}
