using DataForge.Engine.Building;

namespace DataForge.Projects;

/// <summary>A project's build: the engine's result, notes for the user, and problems that fail the build after the engine's work (a vault that does not open).</summary>
public sealed record ProjectBuildResult(BuildResult Build, IReadOnlyList<string> Notes, IReadOnlyList<string> Problems)
{
    public bool Succeeded => Build.Succeeded && Problems.Count == 0;
}
