using DataForge.Engine.Planning;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// Runs the actions a stage's plan left to run (<see cref="StageRun.Plan(StageInputs)"/>). An action is described by its key,
/// its stage (id, version, canonical config), its inputs as store objects or source files with their metadata
/// objects, and its group key: everything a worker needs to run it from the store alone, so the local thread pool
/// (<see cref="LocalExecutor"/>) and an executor that ships actions to other machines run the same plan.
/// </summary>
internal interface IActionExecutor
{
    /// <summary>
    /// Runs <paramref name="actions"/> of <paramref name="stage"/>; calls <paramref name="finished"/> once per action,
    /// from any thread, with its index in <paramref name="actions"/> and either its recorded outputs (objects stored,
    /// action recorded in state.db) or the reason it failed (naming no PHI).
    /// </summary>
    void Run(IStage stage, IReadOnlyList<PlannedAction> actions, Action<int, IReadOnlyList<OutputRecord>?, string?> finished);
}
