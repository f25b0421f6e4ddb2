using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Manifest.Model;
using DataForge.Stages;

namespace DataForge.Cli.Commands;

/// <summary>What build, status and gc share: the manifest, the engine on the project's store, the pipeline.</summary>
public sealed class EngineSetup
{
    private EngineSetup(DataForgeManifest manifest, BuildEngine engine, Pipeline pipeline)
    {
        Manifest = manifest;
        Engine = engine;
        Pipeline = pipeline;
    }

    public DataForgeManifest Manifest { get; }

    public BuildEngine Engine { get; }

    public Pipeline Pipeline { get; }

    public static EngineSetup Load(CliContext context, string file)
    {
        var manifest = ManifestArguments.LoadOrFail(context, file);
        var layout = PipelineFactory.Layout(manifest);
        byte[]? secret = null;
        if (PipelineFactory.NeedsSecret(manifest))
        {
            try
            {
                secret = ProjectSecret.Resolve(manifest, layout, context.Environment, out var notice);
                if (notice is not null) context.Console.Note(notice);
            }
            catch (InvalidOperationException e)
            {
                throw new UserErrorException(e.Message);
            }
        }
        return new EngineSetup(manifest, new BuildEngine(layout), PipelineFactory.Create(manifest, secret));
    }

    public BuildOptions Options(CliContext context, int jobs, bool noWait) => new()
    {
        Jobs = jobs > 0 ? jobs : Environment.ProcessorCount,
        NoWait = noWait,
        OnMessage = message => context.Console.Note(message),
    };
}
