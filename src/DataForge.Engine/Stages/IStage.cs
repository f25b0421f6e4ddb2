namespace DataForge.Engine.Stages;

/// <summary>
/// A pure function from input items and config to named outputs. It must read nothing but its
/// <see cref="StageInput"/>: no clock, no environment variable, no path that is not an input,
/// since only what is in the action key may change an output. An item it cannot process is a
/// <see cref="StageResult.Failed"/> value with a reason that names no content (no PHI); an
/// exception is caught at the engine boundary and reported as a failure of that item.
/// Run may be called from several threads at once.
/// </summary>
public interface IStage
{
    /// <summary>Id, version, shape, inputs and config.</summary>
    StageDefinition Definition { get; }

    /// <summary>Runs one action: one item (map), one group, or all items (reduce).</summary>
    StageResult Run(StageInput input, CancellationToken cancellationToken);
}
