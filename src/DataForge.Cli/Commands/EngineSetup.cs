using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Manifest.Model;
using DataForge.Stages;

namespace DataForge.Cli.Commands;

/// <summary>What build, status and gc share: the manifest, the engine on the project's store, the pipeline.</summary>
public sealed class EngineSetup
{
    private EngineSetup(DataForgeManifest manifest, BuildEngine engine, Pipeline pipeline, byte[]? secret)
    {
        Manifest = manifest;
        Engine = engine;
        Pipeline = pipeline;
        Secret = secret;
    }

    /// <summary>The project secret, when the pipeline needs one.</summary>
    public byte[]? Secret { get; }

    public DataForgeManifest Manifest { get; }

    public BuildEngine Engine { get; }

    public Pipeline Pipeline { get; }

    /// <summary>
    /// Loads the manifest and makes the engine and pipeline. A build creates the project secret when
    /// there is none; a status (<paramref name="readOnly"/>) never writes: it plans with a throw-away key
    /// and says that the first build will create the secret.
    /// </summary>
    public static EngineSetup Load(CliContext context, string file, bool readOnly = false)
    {
        var manifest = ManifestArguments.LoadOrFail(context, file);
        var layout = PipelineFactory.Layout(manifest);
        byte[]? secret = null;
        if (PipelineFactory.NeedsSecret(manifest))
        {
            try
            {
                if (readOnly && manifest.Secret is null && !File.Exists(Path.Combine(layout.StateRoot, ProjectSecret.FileName)))
                {
                    secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
                    context.Console.Note("no project secret yet: the first build creates .dataforge/secret.key");
                }
                else
                {
                    secret = ProjectSecret.Resolve(manifest, layout, context.Environment, out var notice, create: !readOnly);
                    if (notice is not null) context.Console.Note(notice);
                }
            }
            catch (InvalidOperationException e)
            {
                throw new UserErrorException(e.Message);
            }
        }
        var numbers = secret is null ? null : VaultWiring.Numbers(manifest, layout, secret, save: !readOnly);
        var engine = new BuildEngine(layout) { OutputLink = Enum.Parse<Engine.FileSystem.OutputLinkMode>(manifest.Output.Link, ignoreCase: true) };
        return new EngineSetup(manifest, engine, PipelineFactory.Create(manifest, secret, numbers), secret);
    }

    public BuildOptions Options(CliContext context, int jobs, bool noWait) => new()
    {
        Jobs = jobs > 0 ? jobs : Environment.ProcessorCount,
        NoWait = noWait,
        OnMessage = message => context.Console.Note(message),
    };
}
