using DataForge.Engine.Stages;

namespace DataForge.Engine.Tests.Fakes;

/// <summary>A stage made of a definition and a function, counting its runs (thread-safe).</summary>
public sealed class DelegateStage(StageDefinition definition, Func<StageInput, StageResult> run) : IStage
{
    private int _runs;

    public StageDefinition Definition => definition;

    /// <summary>Actions run since creation or the last <see cref="ResetRuns"/>.</summary>
    public int Runs => Volatile.Read(ref _runs);

    public void ResetRuns() => Interlocked.Exchange(ref _runs, 0);

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        return run(input);
    }
}
