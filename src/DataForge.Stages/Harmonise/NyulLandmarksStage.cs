using DataForge.Engine.Stages;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Reduce stage <c>harmonise-N-nyul-landmarks</c>: publishes the landmarks learnt by <see cref="NyulLearnStage"/>
/// once, as <c>harmonise/nyul-landmarks.json</c> (<c>harmonise/nyul-landmarks-N.json</c> when the list holds
/// more than one Nyul step), so that a release records them.
/// </summary>
public sealed class NyulLandmarksStage : IStage
{
    /// <summary>Bump when the published file changes for the same landmarks.</summary>
    public const int Version = 1;

    private readonly string _path;

    /// <summary>A stage publishing the landmarks of <paramref name="learn"/> at <paramref name="path"/>.</summary>
    public NyulLandmarksStage(NyulLearnStage learn, string path)
    {
        ArgumentNullException.ThrowIfNull(learn);
        _path = path;
        Definition = new StageDefinition(learn.StepId + "-landmarks", Version, StageShape.Reduce, [learn.Definition.Id],
            Engine.Hashing.CanonicalJson.FromObject(new Dictionary<string, string> { ["path"] = path }))
        {
            Publish = true,
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        if (input.Items.Count == 0) return StageResult.Success();
        if (input.Items.Select(i => i.Hash).Distinct().Count() != 1)
            return StageResult.Failed("nyul: the learnt landmark records differ; rebuild");
        return StageResult.Success(new StageOutput(_path, input.Items[0].ReadAllBytes()));
    }
}
