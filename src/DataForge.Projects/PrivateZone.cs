using DataForge.Engine.Store;
using DataForge.Stages;
using DataForge.Stages.Deidentify;

namespace DataForge.Projects;

/// <summary>
/// The private zone, <c>&lt;project&gt;/.dataforge/</c> (0700): everything DataForge keeps that may
/// identify a patient, or that releases depend on and Git must never see. Every file in it, its owner,
/// and what losing it costs:
/// <code>
/// state.db (-wal, -shm)      engine (StateDatabase)     stat cache, actions, outputs, materialised files, gc roots; rebuilt by a build
/// objects/ab/cdef…           engine (ObjectStore)       content-addressed objects, read-only; a release's objects are kept by gc
///                                                       (with store: PATH they live in PATH/objects instead, see SharedStore)
/// tmp/                       engine                     scratch, emptied by each build
/// build.lock                 engine (BuildLock)         one build (or gc, release) at a time
/// secret.key                 ProjectSecret              the project secret when the manifest names none (0600); LOSING IT
///                                                       changes every pseudonym, UID and date shift: back it up
/// secret.fingerprint         SecretGuard                keyed fingerprint of the secret that made this store (no secret in it)
/// vault.bin, vault.lock      PseudonymVault, VaultKeeper encrypted re-identification table; 'pseudonyms repair' rebuilds it from the store
/// quarantine.tsv             Quarantine                 items that failed in the last build, with their source paths
/// releases/VERSION.sources.tsv ReleaseSources           the source path of each content a release read, so verify can name it
/// pseudonyms.csv             'pseudonyms export'        the re-identification table in clear (default target)
/// audit.log, audit.lock      AuditLog                   hash-chained record of who ran what, when (counts, never identifiers)
/// pacs/SOURCE/               PacsCache                  a DICOMweb source's instances as fetched (raw, PHI), its fetched and
///                                                       pinned lists; the build reads pacs/SOURCE/objects; lost: fetched again;
///                                                       damaged/ holds what fsck found damaged (safe to delete)
/// work/BUILD/STAGE/          engine (Cluster.WorkFolders) a Slurm build's work list (source paths), job ids and task results;
///                                                       removed once recorded; lost: those actions run again
/// logs/cluster/BUILD/        engine (Cluster.TaskLogs)  the output of a Slurm build's tasks (STAGE-TASK.log, 0600), the last 5
///                                                       builds'; lost: nothing a build needs
/// </code>
/// Nothing outside this type (and the owners it names) builds a path into the zone.
/// </summary>
public sealed class PrivateZone(StoreLayout layout)
{
    /// <summary>The engine's view: project, output folder and state folder.</summary>
    public StoreLayout Layout { get; } = layout;

    /// <summary><c>.dataforge/</c> itself.</summary>
    public string Root => Layout.StateRoot;

    /// <summary>The generated secret, when the manifest names none.</summary>
    public string SecretKey => Path.Combine(Root, ProjectSecret.FileName);

    /// <summary>The fingerprint of the secret that made this store's outputs (see <see cref="SecretGuard"/>).</summary>
    public string SecretFingerprint => Path.Combine(Root, "secret.fingerprint");

    /// <summary>The encrypted re-identification table.</summary>
    public string Vault => VaultKeeper.PathIn(Layout);

    /// <summary>The private list of failed items of the last build.</summary>
    public string Quarantine => Path.Combine(Root, "quarantine.tsv");

    /// <summary>The private source index of a release.</summary>
    public string ReleaseSources(string version) => Path.Combine(Root, "releases", version + ".sources.tsv");

    /// <summary>The private cache of a DICOMweb source (its objects folder is <see cref="PipelineFactory.DicomWebObjects"/>).</summary>
    public string Pacs(string sourceId) => Path.Combine(Root, "pacs", sourceId);

    /// <summary>The default target of <c>pseudonyms export</c>.</summary>
    public string PseudonymsCsv => Path.Combine(Root, "pseudonyms.csv");

    /// <summary>A zone path as the user sees it, relative to the project (for messages: it names no patient).</summary>
    public string Show(string path) => Path.GetRelativePath(Layout.ProjectRoot, path).Replace('\\', '/');

    /// <summary>Writes a private file atomically, mode 0600.</summary>
    public static void WritePrivate(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }
}
