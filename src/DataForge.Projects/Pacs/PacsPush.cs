using DataForge.Dicom;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;
using DataForge.Manifest.Model;
using DataForge.Release;
using DataForge.Stages.Deidentify;

namespace DataForge.Projects.Pacs;

/// <summary>
/// <c>dataforge push VERSION --to NAME</c>: stores a release's de-identified DICOM instances in a research PACS
/// (a destination under <c>publish:</c>) with STOW-RS, in batches. Idempotent: the destination is asked first
/// (QIDO-RS, the instances of each of the release's studies) and what it holds is not sent again. Only a release
/// whose instances all passed the leak gate is pushed: one made with <c>deidentify:</c>, every instance of it
/// published by the de-identification stage, and each read from the store only if it hashes to what the release
/// recorded.
/// </summary>
public static class PacsPush
{
    /// <summary>Pushes; throws <see cref="ProjectException"/> (exit 2 for setup, 1 for a release that cannot be pushed or a server failure).</summary>
    public static PushResult Push(Project project, ReleaseManifest release, string targetName, Func<string, string?> environment, Action<PullProgress>? progress,
        CancellationToken cancellationToken = default)
    {
        var manifest = project.Manifest;
        if (!manifest.Publish.TryGetValue(targetName, out var target))
            throw new ProjectException(manifest.Publish.Count == 0
                ? $"push: the manifest has no publish: section; add a destination (publish: {{{targetName}: {{url: ..., auth: ...}}}})"
                : $"push: no destination '{targetName}' under publish: (there are: {string.Join(", ", manifest.Publish.Keys.Order(StringComparer.Ordinal))})");
        var instances = Instances(release);
        var objects = new ObjectStore(new PhysicalFileSystem(), project.Zone.Layout.Objects);
        var missing = instances.Count(f => !objects.Contains(ContentHash.Parse(f.Sha256)));
        if (missing > 0)
            throw new ProjectException($"push: {missing} of {instances.Count} instances of {release.Version} are not in this project's store; " +
                                       $"run 'dataforge verify {release.Version}' to rebuild them", isUsage: false);
        var endpoint = DicomWebEndpoint.Of(manifest, $"destination '{targetName}'", target.Url, target.Auth, target.CaFile, environment);
        using var client = new DicomWebClient(endpoint, PacsSources.Attempts(environment));
        try
        {
            return Run(release, targetName, target, instances, objects, client, progress, cancellationToken).GetAwaiter().GetResult();
        }
        catch (DicomWebException e)
        {
            throw new ProjectException(e.Message, isUsage: e.IsSetup);
        }
    }

    /// <summary>The release's DICOM instances, or a refusal when any of them did not pass the leak gate.</summary>
    private static List<ReleaseFile> Instances(ReleaseManifest release)
    {
        if (release.Policy["deidentify"] is null)
            throw new ProjectException($"push: release {release.Version} was made without deidentify:, so no leak gate passed on it; only de-identified releases are pushed", isUsage: false);
        var instances = release.Files.Where(f => f.Kind == OutputKinds.DicomInstance).ToList();
        if (instances.Count == 0)
            throw new ProjectException($"push: release {release.Version} holds no DICOM instance (output.layout dicom publishes them)", isUsage: false);
        var ungated = instances.Count(f => f.Provenance.Stage != DeidentifyStage.Id);
        if (ungated > 0)
            throw new ProjectException($"push: {ungated} DICOM file(s) of release {release.Version} were not made by the de-identification stage, so the leak gate did not pass on them; nothing was sent", isUsage: false);
        return instances;
    }

    private static async Task<PushResult> Run(ReleaseManifest release, string name, PublishTarget target, List<ReleaseFile> instances, ObjectStore objects,
        DicomWebClient client, Action<PullProgress>? progress, CancellationToken cancellationToken)
    {
        // Each instance's UIDs from its own header (the store object, checked against the release's hash first).
        var files = new List<(string Path, string Study, string Sop, long Size)>();
        foreach (var f in instances.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var hash = ContentHash.Parse(f.Sha256);
            var path = objects.PathOf(hash);
            if (PacsCache.HashOf(path) != f.Sha256)
                throw new ProjectException($"push: the store object of {f.Path} does not hash to its release SHA-256 (the store is damaged; see 'dataforge fsck'); nothing was sent", isUsage: false);
            var header = DicomFile.OpenHeader(path).Dataset;
            files.Add((path, Uid(header, DicomTags.StudyInstanceUID), Uid(header, DicomTags.SOPInstanceUID), f.Size));
        }
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var study in files.Select(f => f.Study).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            foreach (var found in await client.SearchAsync("instances", [new("StudyInstanceUID", study), new("includefield", "00080018")], cancellationToken))
                if (found["00080018"]?["Value"]?[0]?.GetValue<string>() is { } sop) present.Add(sop);
        var toSend = files.Where(f => !present.Contains(f.Sop)).ToList();
        int sent = 0, refused = 0, batches = 0;
        long bytes = 0;
        progress?.Invoke(new PullProgress($"destination '{name}'", 0, toSend.Count, 0));
        foreach (var batch in toSend.Chunk(target.Batch))
        {
            refused += await client.StoreAsync(batch.Select(f => f.Path).ToList(), cancellationToken);
            batches++;
            sent += batch.Length;
            bytes += batch.Sum(f => f.Size);
            progress?.Invoke(new PullProgress($"destination '{name}'", sent, toSend.Count, bytes));
        }
        return new PushResult(release.Version, name, files.Count, files.Count - toSend.Count, sent - refused, bytes, refused, batches);
    }

    private static string Uid(DicomDataset header, DicomTag tag) =>
        header.GetString(tag)?.TrimEnd('\0', ' ') is { Length: > 0 } uid ? uid
            : throw new ProjectException($"push: a released instance has no {(tag == DicomTags.SOPInstanceUID ? "SOP Instance UID" : "Study Instance UID")}; nothing was sent", isUsage: false);
}
