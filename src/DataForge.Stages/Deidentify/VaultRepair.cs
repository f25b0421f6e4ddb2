using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Stages.Deidentify;

/// <summary>What <see cref="VaultRepair.Run"/> did.</summary>
/// <param name="Patients">Patients in the rebuilt vault.</param>
/// <param name="Unopened">Distinct sealed identities that did not open under the project secret (made under another one).</param>
/// <param name="MovedTo">Where the vault that could not be opened was moved, or null when there was none.</param>
public sealed record VaultRepairResult(int Patients, int Unopened, string? MovedTo);

/// <summary>
/// Rebuilds <c>.dataforge/vault.bin</c> from the sealed identities the store keeps (given as metadata objects, which
/// the project reads through the engine): the metadata of the current outputs of the stages that seal identities
/// (de-identified instances, NIfTI-source volumes), and of every object a release keeps. A vault
/// that does not open is moved aside (never deleted), so a backup restored later can still be compared.
/// It cannot recover patients whose instances are in neither (removed from the sources and from every
/// release, then collected by gc), nor names and birth dates seen only in such instances; a <c>{seq:N}</c>
/// number is read back from the patient's pseudonym.
/// </summary>
public static class VaultRepair
{
    public static VaultRepairResult Run(DeidPolicy policy, StoreLayout layout, KeyedIdentity keys, IEnumerable<byte[]> metadata)
    {
        if (policy.Anonymise) throw new VaultException("deidentify.mode is anonymise: no vault is kept, so there is nothing to repair");
        if (!File.Exists(layout.Database)) throw new VaultException("the store has no build yet (.dataforge/state.db is missing): there are no sealed identities to repair the vault from; run 'dataforge build'");
        var path = VaultKeeper.PathIn(layout);
        string? movedTo = null;
        if (File.Exists(path))
        {
            try
            {
                PseudonymVault.Load(path, keys);
                throw new VaultException($"{PseudonymVault.FileName} opens under the project secret and needs no repair");
            }
            catch (VaultException e) when (!e.Message.EndsWith("needs no repair", StringComparison.Ordinal))
            {
                movedTo = path + ".damaged-" + DateTime.UtcNow.ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture);
                File.Move(path, movedTo);
            }
        }

        var vault = new PseudonymVault();
        var unopened = new HashSet<string>(StringComparer.Ordinal);
        var added = new HashSet<(string Seal, string Pseudonym)>();
        foreach (var bytes in metadata)
        {
            // A release keeps its files' objects as well as their metadata: anything without a seal is passed over.
            if (SealedIdentity.Find(bytes) is not { } found || !added.Add(found)) continue;
            PatientIdentity identity;
            try { identity = SealedIdentity.Open(keys, found.Seal); }
            catch (CryptographicException) { unopened.Add(found.Seal); continue; }
            vault.Add(identity, found.Pseudonym, SeqOf(policy.Pseudonym, found.Pseudonym));
        }
        vault.Save(path, keys);
        return new VaultRepairResult(vault.Entries.Count(), unopened.Count, movedTo);
    }

    /// <summary>The number in a <c>{seq:N}</c> pseudonym, or null.</summary>
    private static int? SeqOf(PseudonymFormat format, string pseudonym)
    {
        if (!format.IsSequential || !pseudonym.StartsWith(format.Before, StringComparison.Ordinal) || !pseudonym.EndsWith(format.After, StringComparison.Ordinal)
            || pseudonym.Length < format.Before.Length + format.After.Length) return null;
        var digits = pseudonym[format.Before.Length..^format.After.Length];
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
