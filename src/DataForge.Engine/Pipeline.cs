using DataForge.Engine.Sources;
using DataForge.Engine.Stages;

namespace DataForge.Engine;

/// <summary>
/// Sources and stages, checked: ids are unique, each stage reads only sources and stages defined
/// before it (so the order is a topological order), and only group stages name a grouping property.
/// </summary>
public sealed class Pipeline
{
    public Pipeline(IEnumerable<SourceSpec> sources, IEnumerable<IStage> stages)
    {
        Sources = sources.ToArray();
        Stages = stages.ToArray();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in Sources)
            if (!known.Add(source.Id)) throw new ArgumentException($"id '{source.Id}' is used twice");
        foreach (var stage in Stages)
        {
            var d = stage.Definition;
            foreach (var input in d.Inputs)
                if (!known.Contains(input))
                    throw new ArgumentException($"stage '{d.Id}' reads '{input}', which is not a source or an earlier stage");
            if ((d.Shape == StageShape.Group) != (d.GroupBy is not null))
                throw new ArgumentException($"stage '{d.Id}': a group stage needs GroupBy, and only a group stage may have it");
            if (!known.Add(d.Id)) throw new ArgumentException($"id '{d.Id}' is used twice");
        }
    }

    public IReadOnlyList<SourceSpec> Sources { get; }

    /// <summary>Stages in a valid execution order.</summary>
    public IReadOnlyList<IStage> Stages { get; }
}
