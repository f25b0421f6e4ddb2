using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Hashing;
using DataForge.Manifest.Model;

namespace DataForge.Release;

/// <summary>Makes the release manifest of the current build from the engine's output listing.</summary>
public static class ReleaseManifestBuilder
{
    /// <summary>
    /// The manifest of a complete listing (<see cref="OutputListing.Complete"/>; the caller refuses
    /// otherwise). <paramref name="manifestBytes"/>: the dataforge.yaml file as committed;
    /// <paramref name="secretFingerprint"/>: the keyed fingerprint of the project secret, when the pipeline used one.
    /// </summary>
    public static ReleaseManifest Build(string version, string toolVersion, DataForgeManifest manifest, byte[] manifestBytes,
        Pipeline pipeline, OutputListing listing, Func<ContentHash, byte[]?>? readObject = null, string? secretFingerprint = null)
    {
        if (!listing.Complete) throw new ArgumentException("the listing is not complete", nameof(listing));
        var release = new ReleaseManifest
        {
            Dataset = manifest.Name,
            Version = version,
            ToolVersion = toolVersion,
            ManifestSha256 = Convert.ToHexStringLower(SHA256.HashData(manifestBytes)),
            SecretFingerprint = secretFingerprint,
            Policy = Policy(manifest, pipeline),
            Sources = listing.Sources
                .Select(s => new ReleaseSource(s.SourceId, s.Hash.Hex, s.Size))
                .Distinct()
                .OrderBy(s => s.Source, StringComparer.Ordinal).ThenBy(s => s.Sha256, StringComparer.Ordinal)
                .ToList(),
            Excluded = ExcludedSource.From(listing, readObject),
            Files = listing.Outputs.Select(o => new ReleaseFile
            {
                Path = o.Path,
                Size = o.Size,
                Sha256 = o.Object.Hex,
                Kind = OutputKinds.Of(o.StageId, o.Path),
                Provenance = new Provenance(o.StageId, o.ActionKey.Hex, o.Inputs.Select(i => i.Hex).ToList()),
                Item = ReleaseItem.FromMetadata(o.MetadataJson),
            }).OrderBy(f => f.Path, StringComparer.Ordinal).ToList(),
        };
        if (readObject is not null) ItemAnnotations.Apply(release.Files, f => readObject(ContentHash.Parse(f.Sha256)));
        return release;
    }

    /// <summary>
    /// The policy summary: the manifest's curate, deidentify, harmonise, labels and splits sections as
    /// written (canonicalised when serialised), the output layout, and each stage's id and
    /// implementation version. Stage configs are not copied: they may hold a fingerprint of the secret.
    /// </summary>
    public static JsonObject Policy(DataForgeManifest manifest, Pipeline pipeline)
    {
        var policy = new JsonObject();
        if (manifest.Curate is { } curate) policy["curate"] = curate.DeepClone();
        if (manifest.Deidentify is { } deidentify) policy["deidentify"] = deidentify.DeepClone();
        if (manifest.Harmonise is { } harmonise) policy["harmonise"] = harmonise.DeepClone();
        if (manifest.Labels is { } labels) policy["labels"] = labels.DeepClone();
        if (manifest.Splits is { } splits) policy["splits"] = splits.DeepClone();
        policy["output"] = new JsonObject { ["layout"] = manifest.Output.Layout, ["compress"] = manifest.Output.Compress };
        var stages = new JsonArray();
        foreach (var stage in pipeline.Stages)
            stages.Add(new JsonObject { ["id"] = stage.Definition.Id, ["version"] = stage.Definition.Version });
        policy["stages"] = stages;
        return policy;
    }
}
