using System.Text.Json;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Store;
using DataForge.Manifest.Model;
using DataForge.Release;
using DataForge.Stages;
using DataForge.Stages.Deidentify;

namespace DataForge.Projects;

/// <summary>
/// One project, bound once: the validated manifest, its private zone, the project secret (checked
/// against what it made), the vault's state, the pipeline and the engine on the project's store.
/// Every command that needs a pipeline gets it here (build, status, gc, release, diff HEAD, verify,
/// export, pseudonyms), so they cannot drift apart: the same manifest gives the same stages and the
/// same action keys everywhere. The CLI only parses arguments and prints.
/// </summary>
public sealed class Project
{
    private readonly Func<Pipeline> _makePipeline;
    private readonly Func<string, string?> _environment;
    private Pipeline? _pipeline;

    private Project(DataForgeManifest manifest, PrivateZone zone, byte[]? secret, DeidPolicy? policy, BuildEngine engine, Func<string, string?> environment,
        Pacs.PacsPins pins, Func<Project, Pipeline> makePipeline)
    {
        Manifest = manifest;
        Pins = pins;
        _environment = environment;
        Zone = zone;
        Secret = secret;
        Policy = policy;
        Engine = engine;
        Vault = policy is not null && secret is not null ? new ProjectVault(policy, zone, secret, engine) : null;
        _makePipeline = () => makePipeline(this);
    }

    private static BuildEngine EngineOf(DataForgeManifest manifest, PrivateZone zone, ProjectOptions options) =>
        new(zone.Layout)
        {
            OutputLink = Enum.Parse<Engine.FileSystem.OutputLinkMode>(manifest.Output.Link, ignoreCase: true),
            ActionCache = options.OpensActionCache ? ActionCacheOf(manifest, options.Environment) : null,
        };

    /// <summary>
    /// The shared action cache <c>state:</c> names, with its password read from where the manifest says (never from
    /// the manifest); null without <c>state:</c>. It connects when the engine first uses it.
    /// </summary>
    private static PostgresActionCache? ActionCacheOf(DataForgeManifest manifest, Func<string, string?> environment)
    {
        if (manifest.State is not { } state) return null;
        string? password = null;
        if (state.Password is { } reference && (password = reference.ReadText(manifest.BaseDirectory, environment, out var problem)) is null)
            throw new ProjectException($"state: the password of the shared action cache cannot be read: {problem}");
        try
        {
            return PostgresActionCache.Create(state.Url, password);
        }
        catch (ActionCacheException e)
        {
            throw new ProjectException(e.Message);
        }
    }

    public DataForgeManifest Manifest { get; }

    /// <summary><c>.dataforge/</c> and the output folder.</summary>
    public PrivateZone Zone { get; }

    /// <summary>The project secret, when the pipeline needs one (a throw-away key for a status before the first build).</summary>
    public byte[]? Secret { get; }

    /// <summary>The keyed fingerprint of <see cref="Secret"/>, or null.</summary>
    public string? SecretFingerprint => Secret is null ? null : SecretGuard.FingerprintOf(Secret);

    /// <summary>The <c>deidentify:</c> section, bound once; null without one.</summary>
    public DeidPolicy? Policy { get; }

    /// <summary>The pseudonym vault, with <c>deidentify:</c>.</summary>
    public ProjectVault? Vault { get; }

    /// <summary>
    /// The pipeline, made when first asked (commands on the vault alone never make it). For a
    /// <c>{seq:N}</c> format this reads the vault's numbers, and a writing command records new ones.
    /// </summary>
    public Pipeline Pipeline => _pipeline ??= _makePipeline();

    public BuildEngine Engine { get; }

    /// <summary>
    /// The pins of the DICOMweb sources, each read once when the pipeline's index (or status, or release) first needs
    /// it: the build, its report of the series it left out and release all see the same pin.
    /// </summary>
    public Pacs.PacsPins Pins { get; }

    /// <summary>
    /// How a build runs its actions: on Slurm when <paramref name="executor"/> (<c>build --executor</c>), else
    /// <c>execution.executor</c>, is <c>slurm</c>, with the <c>execution.slurm:</c> settings, each worker started as
    /// what <paramref name="workerCommand"/> gives (then <c>worker --work DIR</c>; asked only for a Slurm build); null on
    /// this machine's cores.
    /// </summary>
    public DataForge.Engine.Cluster.SlurmSettings? Slurm(string? executor, Func<IReadOnlyList<string>> workerCommand) =>
        ProjectExecution.Slurm(Manifest, Zone, executor, workerCommand, _environment);

    /// <summary>The cluster work of a build in flight or killed mid-build (for <c>status</c>), or null when there is none.</summary>
    public DataForge.Engine.Cluster.ClusterTasks? ClusterWork() => DataForge.Engine.Cluster.ClusterTasks.Of(Zone.Layout, ProjectExecution.SlurmEnvironment(_environment));

    /// <summary>The private zone of a manifest, for commands that need no pipeline (export, init checks).</summary>
    public static PrivateZone ZoneOf(DataForgeManifest manifest) => new(PipelineFactory.Layout(manifest));

    /// <summary>
    /// Binds a manifest. Throws <see cref="ProjectException"/> when the secret is missing or not the one
    /// that made the store or the releases, or the vault a <c>{seq:N}</c> format needs does not open.
    /// </summary>
    public static Project Open(DataForgeManifest manifest, ProjectOptions options)
    {
        var zone = ZoneOf(manifest);
        // The deidentify: section, bound once: the vault, the label stages and every de-identifying stage share it.
        var policy = DeidPolicy.Of(manifest);
        byte[]? secret = null;
        if (PipelineFactory.NeedsSecret(manifest))
        {
            IReadOnlyList<(string, string?)>? releases = null;
            secret = SecretGuard.Resolve(manifest, zone, options.Environment, create: options.Writes, required: options.RequiresSecret,
                allowNew: options.AllowNewSecret, () => releases ??= ReleaseFingerprints(manifest), options.Note);
        }
        var pins = new Pacs.PacsPins(zone);
        var project = new Project(manifest, zone, secret, policy, EngineOf(manifest, zone, options), options.Environment, pins,
            p => PipelineFactory.Create(manifest, policy, secret, p.Vault?.Numbers(manifest, save: options.Writes, pins.Filter), pins.Filter));
        if (options.AllowNewSecret && options.Writes && project.Vault?.SetAsideForNewSecret() is { } moved) options.Note(moved);
        return project;
    }

    /// <summary>
    /// The project as a release was made: the manifest committed with it, this project's secret (which
    /// must be the one the release recorded) and vault numbers, and every source pinned to exactly the
    /// files the release read (<see cref="ReleaseSources.PinFor"/>), whatever was added or changed since.
    /// </summary>
    public Project AsReleased(DataForgeManifest released, ReleaseManifest release, ReleaseSources index, ProjectOptions options)
    {
        // The release's own fingerprint decides (below), not the store's: the rebuild uses a fresh store.
        var opened = Open(released, options with { Writes = false, RequiresSecret = true, AllowNewSecret = true });
        if (release.SecretFingerprint is { } recorded && opened.SecretFingerprint is { } current && recorded != current)
            throw new ProjectException(
                $"the project secret (fingerprint {current}) is not the one release {release.Version} was made with (fingerprint {recorded}): " +
                "its pseudonyms, UIDs and date shifts cannot be reproduced. Use the secret it was made with (restore .dataforge/secret.key " +
                "or the variable or file the manifest names)");
        var recordedBySource = release.Sources.GroupBy(s => s.Source).ToDictionary(g => g.Key, g => g.Select(s => s.Sha256).ToList(), StringComparer.Ordinal);
        var pinned = opened.Pipeline.Sources.Select(s => new Engine.Sources.SourceSpec(s.Id, s.Root, s.Include, s.Exclude)
        {
            Pin = index.PinFor(s.Id, recordedBySource.GetValueOrDefault(s.Id, [])),
        });
        var pipeline = new Pipeline(pinned, opened.Pipeline.Stages);
        return new Project(opened.Manifest, opened.Zone, opened.Secret, opened.Policy, opened.Engine, opened._environment, opened.Pins, _ => pipeline);
    }

    /// <summary>
    /// Pulls the DICOMweb sources into their caches and pins what their queries returned (nothing without one); the
    /// pipeline is made again afterwards, so the build reads the new pins. Throws <see cref="ProjectException"/>.
    /// </summary>
    public IReadOnlyList<Pacs.PullResult> Pull(Func<string, string?> environment, Action<Pacs.PullProgress>? progress)
    {
        var results = Pacs.PacsSources.Pull(this, environment, progress);
        if (results.Count > 0)
        {
            _pipeline = null;
            Pins.Forget();
        }
        return results;
    }

    /// <summary>
    /// Builds: the engine's build, then the private list of failed items, the vault's new patients and
    /// the secret's fingerprint. A vault that does not open, or a DICOMweb pin that names instances the cache
    /// does not hold (their series are left out), fails the build (after the engine's work).
    /// </summary>
    public ProjectBuildResult Build(BuildOptions options)
    {
        var result = Engine.Build(Pipeline, options);
        if (result.Outcome == BuildOutcome.LockBusy) return new ProjectBuildResult(result, [], []);
        if (Secret is not null) SecretGuard.Record(Zone, Secret);
        Quarantine.Write(Zone, result.Failures);
        var notes = new List<string>();
        // A pinned instance the cache lost since the pull (fsck moved it aside) left its series out: say so, and fail.
        var problems = new List<string>(Pacs.PacsSources.MissingPinned(this));
        if (Vault is not null)
        {
            if (Vault.Problem() is { } problem) problems.Add(problem);
            else
            {
                try
                {
                    if (Vault.AfterBuild(result) is { } note) notes.Add(note);
                }
                catch (ProjectException e)
                {
                    problems.Add(e.Message);
                }
            }
        }
        return new ProjectBuildResult(result, notes, problems);
    }

    /// <summary>What a build would do; also names a vault that does not open.</summary>
    public (StatusReport Status, IReadOnlyList<string> Problems) Status(BuildOptions options) =>
        (Engine.Status(Pipeline, options), Vault?.Problem() is { } problem ? [problem] : []);

    /// <summary>
    /// The release manifest of the current build, or a <see cref="ProjectException"/> (exit 1) saying why
    /// there is none: work pending, failed items, outputs out of place, a vault that does not open, or a DICOMweb
    /// pin that names instances the cache does not hold (the build left their series out).
    /// </summary>
    public (ReleaseManifest Manifest, OutputListing Listing) CurrentRelease(string version, string toolVersion, BuildOptions options)
    {
        var status = Engine.Status(Pipeline, options);
        var listing = Engine.ListOutputs(Pipeline, options);
        if (!status.UpToDate || !listing.Complete || !listing.LastBuildSucceeded)
        {
            var why = !listing.LastBuildSucceeded && status.UpToDate ? "the last build had failures" : "the build is not up to date or has failed items";
            throw new ProjectException($"{why}; run 'dataforge build' until it succeeds (see 'dataforge status')", isUsage: false,
                listing.Problems.Select(p => "  " + p).ToList());
        }
        if (Vault?.Problem() is { } problem) throw new ProjectException("cannot release while the vault does not open: " + problem, isUsage: false);
        // A build that met the cache without a pinned instance left its series out (and failed): that is no dataset to release.
        if (Pacs.PacsSources.MissingPinned(this) is { Count: > 0 } missing)
            throw new ProjectException("cannot release while a DICOMweb source's cache lacks pinned instances; run 'dataforge build' (which pulls them first) until it succeeds",
                isUsage: false, missing.Select(p => "  " + p).ToList());
        var bytes = File.ReadAllBytes(Path.GetFullPath(Manifest.FilePath, Manifest.BaseDirectory));
        var objects = new ObjectStore(new PhysicalFileSystem(), Engine.Layout.Objects);
        var release = ReleaseManifestBuilder.Build(version, toolVersion, Manifest, bytes, Pipeline, listing, objects.TryRead, SecretFingerprint);
        return (release, listing);
    }

    /// <summary>
    /// The releases in the project's Git repository that were made with a project secret, with the fingerprint each
    /// recorded (null in releases made before fingerprints were recorded); none without a repository. A release of a
    /// pipeline that needed no secret (no deidentify:, no consent check) is not evidence of one.
    /// </summary>
    private static IReadOnlyList<(string Version, string? Fingerprint)> ReleaseFingerprints(DataForgeManifest manifest)
    {
        try
        {
            using var repo = ReleaseRepository.Open(manifest.BaseDirectory);
            return repo.Releases(manifest.Release.TagPrefix)
                .Select(r => (r.Version, Secret: SecretIn(r.ManifestJson)))
                .Where(r => r.Secret.Used)
                .Select(r => (r.Version, r.Secret.Fingerprint))
                .ToList();
        }
        catch (Exception e) when (e is ReleaseException or LibGit2Sharp.LibGit2SharpException)
        {
            return [];
        }
    }

    /// <summary>Whether a release manifest was made with a secret (a fingerprint, or a policy that needs one), and its fingerprint.</summary>
    private static (bool Used, string? Fingerprint) SecretIn(string manifestJson)
    {
        try
        {
            using var document = JsonDocument.Parse(manifestJson);
            var root = document.RootElement;
            if (root.TryGetProperty("secret_fingerprint", out var f) && f.ValueKind == JsonValueKind.String) return (true, f.GetString());
            var policy = root.TryGetProperty("policy", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            var used = policy.ValueKind == JsonValueKind.Object
                       && (policy.TryGetProperty("deidentify", out _)
                           || (policy.TryGetProperty("curate", out var curate) && curate.ValueKind == JsonValueKind.Object && curate.TryGetProperty("consent", out _)));
            return (used, null);
        }
        catch (JsonException)
        {
            // A manifest that does not parse cannot vouch that no secret made it.
            return (true, null);
        }
    }
}
