using System.Security.Cryptography;
using System.Text.Json;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Sources;
using DataForge.Engine.Store;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Keeps <c>.dataforge/vault.bin</c> up to date around a build; the deidentify stage never touches it.
/// <list type="bullet">
/// <item>Before the build, for a <c>{seq:N}</c> format only: the patients of the sources (headers) that
/// the vault does not know get the next numbers in the order of their keyed tokens (an order fixed by
/// the secret, not by scheduling, file names or identities); the table of tokens and numbers is given
/// to the stage as part of its configuration, so a changed table is a reason to rerun.</item>
/// <item>After the build: the sealed identities in the metadata of the stage's current outputs (private
/// object store) are opened and added, with each patient's pseudonym.</item>
/// </list>
/// Both hold <c>.dataforge/vault.lock</c>, so two builds never lose each other's patients. With
/// <c>mode: anonymise</c> nothing is kept.
/// </summary>
public static class VaultKeeper
{
    /// <summary>Where the vault of a project lives.</summary>
    public static string PathIn(StoreLayout layout) => Path.Combine(layout.StateRoot, PseudonymVault.FileName);

    /// <summary>
    /// The assignment table for a <c>{seq:N}</c> format (null for other formats): numbers of known
    /// patients stay, new ones are appended. Saved to the vault unless <paramref name="save"/> is false.
    /// </summary>
    /// <remarks><paramref name="subjects"/>: patients of non-DICOM sources (NIfTI subjects from their paths), numbered with the DICOM ones.</remarks>
    public static IReadOnlyDictionary<string, int>? Numbers(DeidPolicy policy, StoreLayout layout, IEnumerable<SourceSpec> sources, KeyedIdentity keys, bool save,
        IEnumerable<PatientIdentity>? subjects = null)
    {
        if (!policy.Pseudonym.IsSequential) return null;
        using var held = save ? Lock(layout) : null;
        var path = PathIn(layout);
        var vault = PseudonymVault.Load(path, keys) ?? new PseudonymVault();
        var (patients, _) = PseudonymDirectory.Scan(sources, keys);
        var changed = false;
        var next = vault.LastSeq;
        foreach (var identity in patients.Concat(subjects ?? []).OrderBy(p => p.Token, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.BirthDate, StringComparer.Ordinal))
        {
            var seq = vault.FindByToken(identity.Token)?.Seq ?? ++next;
            changed |= vault.Add(identity, policy.Pseudonym.Write(identity.Token, seq), seq);
        }
        if (changed && save) vault.Save(path, keys);
        return vault.Entries.Where(e => e.Seq is not null).ToDictionary(e => e.Token, e => e.Seq!.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// Adds the patients of <paramref name="metadata"/> (the metadata objects of the current outputs of the stages
    /// that seal identities, which the project reads through the engine under its lock) to the vault. Returns how many
    /// patients the vault holds and how many are new; (0, 0) in anonymise mode.
    /// </summary>
    public static (int Patients, int Added) AfterBuild(DeidPolicy policy, StoreLayout layout, KeyedIdentity keys, IEnumerable<byte[]> metadata)
    {
        if (policy.Anonymise) return (0, 0);
        using var held = Lock(layout);
        var path = PathIn(layout);
        var vault = PseudonymVault.Load(path, keys) ?? new PseudonymVault();
        var before = vault.Entries.Count();
        var changed = false;
        // DICOM instances and the volumes of NIfTI/Analyze sources both carry sealed identities. Equal
        // identities seal to equal text: each patient's seal is opened once, not once per instance.
        var added = new HashSet<(string Seal, string Pseudonym)>();
        foreach (var bytes in metadata)
        {
            if (SealedIdentity.Find(bytes) is not { } found || !added.Add(found)) continue;
            PatientIdentity identity;
            try { identity = SealedIdentity.Open(keys, found.Seal); }
            catch (CryptographicException)
            {
                throw new VaultException("a sealed identity in the store does not open under the project secret; run 'dataforge build' again");
            }
            var seq = vault.FindByToken(identity.Token)?.Seq;
            changed |= vault.Add(identity, found.Pseudonym, seq);
        }
        if (changed) vault.Save(path, keys);
        var count = vault.Entries.Count();
        return (count, count - before);
    }

    /// <summary>An exclusive lock on <c>.dataforge/vault.lock</c>, waited for.</summary>
    private static FileStream Lock(StoreLayout layout)
    {
        Directory.CreateDirectory(layout.StateRoot);
        var path = Path.Combine(layout.StateRoot, "vault.lock");
        for (var attempt = 0; ; attempt++)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (attempt < 600) { Thread.Sleep(100); }
        }
    }
}
