using System.Text.Json;
using DataForge.Engine.Store;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Cli.Commands;

/// <summary>The build's side of the pseudonym vault (<see cref="VaultKeeper"/>), with its errors made plain.</summary>
internal static class VaultWiring
{
    /// <summary>The assignment table of a <c>{seq:N}</c> format, or null.</summary>
    public static IReadOnlyDictionary<string, int>? Numbers(DataForgeManifest manifest, StoreLayout layout, byte[] secret, bool save)
    {
        if (Policy(manifest) is not { } policy || !policy.Pseudonym.IsSequential) return null;
        var sources = manifest.Sources.Where(s => s.Kind == "dicom").Select(s => new EngineSource(s.Id, manifest.Resolve(s.Path!), s.Include, s.Exclude));
        var keys = new KeyedIdentity(secret);
        try { return VaultKeeper.Numbers(policy, layout, sources, keys, save, Stages.VolumeSources.NiftiSubjects.Scan(manifest, keys)); }
        catch (VaultException e) { throw new UserErrorException("pseudonym numbering: " + e.Message); }
    }

    /// <summary>After a build: the new patients into the vault. A vault that cannot be opened is an error (exit 2), never overwritten.</summary>
    public static void AfterBuild(CliContext context, EngineSetup setup, Engine.Building.BuildResult result, bool quiet)
    {
        if (Policy(setup.Manifest) is not { } policy || setup.Secret is null) return;
        var layout = setup.Engine.Layout;
        // Nothing de-identified anew: every identity in the store was added by an earlier build.
        // (DICOM instances and NIfTI-source volumes both carry identities: a new subject alone must reach the vault.)
        if (File.Exists(VaultKeeper.PathIn(layout))
            && result.Stages.Where(s => s.StageId is DeidentifyStage.Id or Stages.VolumeSources.NiftiSourceStage.Id).All(s => s.Executed == 0)) return;
        if (policy.Anonymise)
        {
            if (File.Exists(VaultKeeper.PathIn(layout)) && !quiet)
                context.Console.Note($"note: mode anonymise keeps no vault, but .dataforge/{PseudonymVault.FileName} from an earlier build remains; delete it to drop re-identification");
            return;
        }
        try
        {
            var (patients, added) = VaultKeeper.AfterBuild(policy, layout, new KeyedIdentity(setup.Secret));
            if (added > 0 && !quiet) context.Console.Note($"vault: {added} new patient{(added == 1 ? "" : "s")}, {patients} in all (.dataforge/{PseudonymVault.FileName})");
        }
        catch (VaultException e) { throw new UserErrorException("vault: " + e.Message); }
    }

    private static DeidPolicy? Policy(DataForgeManifest manifest) =>
        manifest.Deidentify is { } d ? DeidPolicy.From(JsonDocument.Parse(d.ToJsonString()).RootElement) : null;
}
