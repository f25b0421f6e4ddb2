using System.Security.Cryptography;
using DataForge.Manifest.Model;
using DataForge.Stages;
using DataForge.Stages.Deidentify;

namespace DataForge.Projects;

/// <summary>
/// The project secret, held to the secret that made what already exists. Pseudonyms, new UIDs and date
/// shifts are keyed by it, so a different secret silently makes a different dataset. Its keyed
/// fingerprint (<see cref="KeyedIdentity.Fingerprint"/>: HMAC under the secret of a fixed label, 16 hex
/// digits, which reveals nothing of the secret) is recorded in the store
/// (<c>.dataforge/secret.fingerprint</c>), the vault (its key check) and every release manifest
/// (<c>secret_fingerprint</c>). A build that would create a secret while any of them exists, or use one
/// whose fingerprint differs, refuses with a usage error saying what would change and how to recover,
/// unless the user opts in (<c>--new-secret</c>).
/// </summary>
public static class SecretGuard
{
    /// <summary>The fingerprint of a secret.</summary>
    public static string FingerprintOf(byte[] secret) => new KeyedIdentity(secret).Fingerprint;

    /// <summary>
    /// The secret for a project. <paramref name="create"/>: a build may create one (read-only commands
    /// plan with a throw-away key when there is none and nothing depends on one).
    /// <paramref name="releases"/>: the releases in Git with the fingerprint each recorded (asked only when needed).
    /// Throws <see cref="ProjectException"/> when the secret cannot be read, or is missing or different
    /// while something made with another one exists and <paramref name="allowNew"/> is false.
    /// </summary>
    public static byte[] Resolve(DataForgeManifest manifest, PrivateZone zone, Func<string, string?> environment, bool create, bool required, bool allowNew,
        Func<IReadOnlyList<(string Version, string? Fingerprint)>> releases, Action<string> note)
    {
        var generated = manifest.Secret is null;
        if (generated && !File.Exists(zone.SecretKey))
        {
            var evidence = MadeWithASecret(zone, releases());
            if (evidence.Count > 0 && !allowNew)
                throw new ProjectException(
                    $"there is no project secret ({zone.Show(zone.SecretKey)} is missing), but {string.Join("; ", evidence)}. " +
                    "A new secret would change every pseudonym, new UID and date shift, and those releases could no longer be verified or extended. " +
                    $"Restore {zone.Show(zone.SecretKey)} from your backup (then 'dataforge verify VERSION' or 'dataforge export VERSION DIR' work again), " +
                    "or run 'dataforge build --new-secret' to start a new dataset on purpose");
            if (!create && !required)
            {
                note("no project secret yet: the first build creates .dataforge/secret.key");
                return RandomNumberGenerator.GetBytes(32);
            }
        }
        byte[] secret;
        try
        {
            secret = ProjectSecret.Resolve(manifest, zone.Layout, environment, out var notice, create: create);
            if (notice is not null) note(notice);
        }
        catch (InvalidOperationException e)
        {
            throw new ProjectException(e.Message);
        }
        var fingerprint = FingerprintOf(secret);
        if (!allowNew)
        {
            // The store's record first (no Git read on an ordinary build); without one, the latest release's.
            var recorded = Recorded(zone);
            string? madeBy = recorded is not null && recorded != fingerprint ? $"the store in {zone.Show(zone.Root)}/ (fingerprint {recorded})" : null;
            if (madeBy is null && recorded is null
                && releases().LastOrDefault(r => r.Fingerprint is not null) is { Fingerprint: { } released } last && released != fingerprint)
                madeBy = $"release {last.Version} (fingerprint {released})";
            if (madeBy is not null)
                throw new ProjectException(
                    $"the project secret ({Where(manifest)}, fingerprint {fingerprint}) is not the one that made {madeBy}: every pseudonym, " +
                    "new UID and date shift would change. Use the secret it was made with, " +
                    "or run 'dataforge build --new-secret' to start a new dataset on purpose");
        }
        return secret;
    }

    /// <summary>Records the fingerprint of the secret a build used (after the checks of <see cref="Resolve"/>).</summary>
    public static void Record(PrivateZone zone, byte[] secret)
    {
        var fingerprint = FingerprintOf(secret);
        if (Recorded(zone) == fingerprint) return;
        PrivateZone.WritePrivate(zone.SecretFingerprint, fingerprint + "\n");
    }

    /// <summary>The fingerprint recorded in the store, or null.</summary>
    public static string? Recorded(PrivateZone zone) =>
        File.Exists(zone.SecretFingerprint) ? File.ReadAllText(zone.SecretFingerprint).Trim() is { Length: > 0 } text ? text : null : null;

    private static string Where(DataForgeManifest manifest) => manifest.Secret?.ToString() ?? ".dataforge/secret.key";

    /// <summary>What exists that a secret made, in words (no paths beyond the zone's own names).</summary>
    private static List<string> MadeWithASecret(PrivateZone zone, IReadOnlyList<(string Version, string? Fingerprint)> releases)
    {
        var evidence = new List<string>();
        if (releases.Count > 0)
            evidence.Add($"release{(releases.Count == 1 ? "" : "s")} {string.Join(", ", releases.Select(r => r.Version))} " +
                         $"{(releases.Count == 1 ? "was" : "were")} made with one" +
                         (releases.LastOrDefault(r => r.Fingerprint is not null) is { Fingerprint: { } f } ? $" (fingerprint {f})" : ""));
        if (Recorded(zone) is { } recorded) evidence.Add($"the store was built with one (fingerprint {recorded})");
        if (File.Exists(zone.Vault)) evidence.Add($"the vault {zone.Show(zone.Vault)} was written under one");
        if (!File.Exists(zone.Layout.Database) && Directory.Exists(zone.Layout.OutputRoot)
            && Directory.EnumerateFiles(zone.Layout.OutputRoot, "*", SearchOption.AllDirectories).Any())
            evidence.Add("the output folder holds files of an earlier build");
        return evidence;
    }
}
