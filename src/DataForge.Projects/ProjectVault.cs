using DataForge.Engine.Building;
using DataForge.Manifest.Model;
using DataForge.Stages;
using DataForge.Stages.Deidentify;
using DataForge.Stages.VolumeSources;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Projects;

/// <summary>
/// The project's side of the pseudonym vault (<see cref="VaultKeeper"/>): the numbers a <c>{seq:N}</c>
/// format needs before a build, the new patients after it, and whether the vault opens at all. A vault
/// that does not open is never overwritten: every command that touches it says so, and
/// <c>dataforge pseudonyms repair</c> rebuilds it from the store.
/// </summary>
public sealed class ProjectVault(DeidPolicy policy, PrivateZone zone, byte[] secret, Engine.BuildEngine engine)
{
    private readonly KeyedIdentity _keys = new(secret);

    /// <summary>The policy the vault serves.</summary>
    public DeidPolicy Policy { get; } = policy;

    /// <summary>True when the project keeps a vault (mode pseudonymise).</summary>
    public bool Kept => !Policy.Anonymise;

    /// <summary>Why the vault does not open, or null when it opens (or does not exist yet).</summary>
    public string? Problem()
    {
        if (!Kept || !File.Exists(zone.Vault)) return null;
        try
        {
            PseudonymVault.Load(zone.Vault, _keys);
            return null;
        }
        catch (VaultException e)
        {
            return Unopenable(e.Message);
        }
        catch (IOException e)
        {
            return Unopenable($"cannot read {PseudonymVault.FileName} ({e.GetType().Name})");
        }
    }

    /// <summary>
    /// The assignment table of a <c>{seq:N}</c> format, or null. <paramref name="save"/>: a build records new numbers.
    /// <paramref name="pins"/>: source id -> the filter of a DICOMweb source's cache (the project's, read once).
    /// </summary>
    public IReadOnlyDictionary<string, int>? Numbers(DataForgeManifest manifest, bool save, Func<string, Func<string, Engine.Hashing.ContentHash, bool>> pins)
    {
        if (!Policy.Pseudonym.IsSequential) return null;
        var sources = manifest.Sources.Where(PipelineFactory.IsDicom).Select(s => PipelineFactory.SourceOf(manifest, s, pins));
        try { return VaultKeeper.Numbers(Policy, zone.Layout, sources, _keys, save, [.. NiftiSubjects.Scan(manifest, _keys), .. Stages.ImageSources.ImageSubjects.Scan(manifest, _keys)]); }
        catch (VaultException e) { throw new ProjectException(Unopenable(e.Message)); }
    }

    /// <summary>
    /// After a build whose caller found the vault opening (<see cref="Problem"/> null): the new patients into the vault;
    /// returns a note for the user, or null.
    /// </summary>
    public string? AfterBuild(BuildResult result)
    {
        // Nothing de-identified anew: every identity in the store was added by an earlier build.
        if (File.Exists(zone.Vault)
            && result.Stages.Where(s => s.StageId is DeidentifyStage.Id or NiftiSourceStage.Id).All(s => s.Executed == 0)) return null;
        if (!Kept)
            return File.Exists(zone.Vault)
                ? $"note: mode anonymise keeps no vault, but {zone.Show(zone.Vault)} from an earlier build remains; delete it to drop re-identification"
                : null;
        try
        {
            var (patients, added) = VaultKeeper.AfterBuild(Policy, zone.Layout, _keys, Metadata(includeRoots: false));
            return added > 0 ? $"vault: {added} new patient{(added == 1 ? "" : "s")}, {patients} in all ({zone.Show(zone.Vault)})" : null;
        }
        catch (VaultException e)
        {
            throw new ProjectException(Unopenable(e.Message), isUsage: false);
        }
    }

    /// <summary>
    /// Moves a vault that does not open under this secret aside (never deletes it), for a build that
    /// starts a new dataset on purpose (<c>--new-secret</c>); returns a note, or null when there was none to move.
    /// </summary>
    public string? SetAsideForNewSecret()
    {
        if (Problem() is null) return null;
        var aside = zone.Vault + ".before-new-secret-" + DateTime.UtcNow.ToString("yyyyMMddTHHmmssZ", System.Globalization.CultureInfo.InvariantCulture);
        File.Move(zone.Vault, aside);
        return $"moved the vault of the earlier secret to {zone.Show(aside)}; it opens only with that secret";
    }

    /// <summary>
    /// A keyed hash of a re-identification query for the audit log: who holds the secret can tell
    /// whether a given value was asked; nobody else learns anything from it.
    /// </summary>
    public string AuditToken(string asked) => _keys.Hash("audit-query:" + asked.Trim(), 26);

    /// <summary>Rebuilds the vault from the store's sealed identities.</summary>
    public VaultRepairResult Repair()
    {
        try { return VaultRepair.Run(Policy, zone.Layout, _keys, Metadata(includeRoots: true)); }
        catch (VaultException e) { throw new ProjectException(e.Message); }
    }

    /// <summary>Opens the vault for re-identification; none yet or one that does not open is a <see cref="ProjectException"/>.</summary>
    public PseudonymVault Open()
    {
        if (!Kept) throw new ProjectException("deidentify.mode is anonymise: no vault is kept, so no pseudonym can be traced back to a patient");
        try
        {
            return PseudonymVault.Load(zone.Vault, _keys)
                   ?? throw new ProjectException($"there is no vault yet ({zone.Show(zone.Vault)}); run 'dataforge build' first");
        }
        catch (VaultException e) { throw new ProjectException(Unopenable(e.Message)); }
        catch (IOException e) { throw new ProjectException(Unopenable($"cannot read {PseudonymVault.FileName} ({e.GetType().Name})")); }
    }

    /// <summary>The metadata objects that may carry sealed identities, read through the engine under its lock.</summary>
    private IEnumerable<byte[]> Metadata(bool includeRoots)
    {
        foreach (var hash in engine.OutputMetadata(Stages.PipelineFactory.IdentityStages, includeRoots))
            if (engine.ReadObject(hash) is { } bytes) yield return bytes;
    }

    private string Unopenable(string why) =>
        $"vault: {why}. Re-identification is not possible until it is restored from a backup or rebuilt with 'dataforge pseudonyms repair' " +
        "(from the sealed identities in the store)";
}
