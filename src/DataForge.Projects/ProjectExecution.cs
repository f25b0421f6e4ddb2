using DataForge.Engine.Cluster;
using DataForge.Manifest.Model;

namespace DataForge.Projects;

/// <summary>
/// The <c>execution:</c> section bound into the engine's settings, once: which executor a build runs on
/// (<c>build --executor</c> over <c>execution.executor</c>), the <c>execution.slurm:</c> keys the manifest gives over
/// the defaults <see cref="SlurmSettings"/> states, and which variables the Slurm commands are given and kept from.
/// </summary>
internal static class ProjectExecution
{
    /// <summary>Variables the Slurm commands read that a caller may set for one command only (tests set them per command).</summary>
    private static readonly string[] SlurmVariables = ["SLURM_CONF"];

    /// <summary>The Slurm settings when the build runs on Slurm, or null when it runs on this machine's cores.</summary>
    public static SlurmSettings? Slurm(DataForgeManifest manifest, PrivateZone zone, string? executor, Func<IReadOnlyList<string>> workerCommand,
        Func<string, string?> environment)
    {
        var chosen = executor ?? manifest.Execution.Executor;
        if (chosen == "local") return null;
        if (chosen != "slurm") throw new ProjectException($"the executor must be local or slurm, not '{chosen}'");
        var spec = manifest.Execution.Slurm;
        var defaults = new SlurmSettings
        {
            WorkerCommand = workerCommand(),
            ManifestPath = Path.GetRelativePath(zone.Layout.ProjectRoot, Path.GetFullPath(manifest.FilePath, manifest.BaseDirectory)),
            Environment = SlurmEnvironment(environment),
            WithheldVariables = CoordinatorCredentialVariables(manifest),
        };
        return defaults with
        {
            Partition = spec.Partition,
            Account = spec.Account,
            TimeLimit = spec.TimeLimit,
            CpusPerTask = spec.CpusPerTask ?? defaults.CpusPerTask,
            MemPerTask = spec.MemPerTask,
            MaxArraySize = spec.MaxArraySize ?? defaults.MaxArraySize,
            SbatchFlags = spec.SbatchFlags ?? defaults.SbatchFlags,
            Retries = spec.Retries ?? defaults.Retries,
            PollInterval = spec.PollSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : defaults.PollInterval,
        };
    }

    /// <summary>The Slurm variables this command sets (beyond the process's own environment), for the Slurm commands.</summary>
    public static IReadOnlyDictionary<string, string> SlurmEnvironment(Func<string, string?> environment)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in SlurmVariables)
            if (environment(name) is { Length: > 0 } value) variables[name] = value;
        return variables;
    }

    /// <summary>
    /// The environment variables that hold credentials only the coordinator uses: the shared action cache's
    /// (<c>state.password: env:NAME</c>, and libpq's <c>PGPASSWORD</c> with <c>state:</c>) and the DICOMweb sources' and
    /// publish targets' (<c>auth: basic|bearer: env:NAME</c>: pulls and pushes run on the coordinator). A cluster build
    /// keeps them out of its jobs' environment (Slurm would store them in its spool), since workers never talk to a
    /// server. The project secret's variable is never among them, even where it is the same name: workers need it.
    /// </summary>
    public static IReadOnlyList<string> CoordinatorCredentialVariables(DataForgeManifest manifest)
    {
        var names = new List<string>();
        if (manifest.State is { } state)
        {
            names.Add("PGPASSWORD");
            if (state.Password is { Kind: SecretKind.Environment, Name: var name }) names.Add(name);
        }
        var auths = manifest.Sources.Select(s => s.Auth).Concat(manifest.Publish.Values.Select(t => t.Auth)).OfType<DicomWebAuth>();
        foreach (var reference in auths.SelectMany(a => new[] { a.Basic, a.Bearer }).OfType<string>())
            if (SecretReference.Parse(reference) is { Kind: SecretKind.Environment, Name: var name }) names.Add(name);
        var secret = manifest.Secret is { Kind: SecretKind.Environment } s ? s.Name : null;
        return names.Where(n => n != secret).Distinct(StringComparer.Ordinal).ToList();
    }
}
