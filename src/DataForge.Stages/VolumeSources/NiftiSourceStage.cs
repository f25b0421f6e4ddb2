using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Deidentify.Nifti;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.VolumeSources;

/// <summary>
/// Group stage <c>nifti.deidentify</c>: the files of one image of a NIfTI or Analyze source (grouped by
/// <see cref="NiftiFilesStage.ImageProperty"/>: the .nii, or the .hdr and .img, and the JSON sidecar) made
/// into a de-identified volume item, shaped like a de-identified DICOM series for the stages after it: the
/// subject becomes a pseudonym by the same keyed token and format as a DICOM Patient ID
/// (<see cref="NiftiIdentity"/>), the session a study and the source-relative path a series, each a keyed
/// 2.25 UID. The volume is written again by DataForge's writer (no extension, no header text copied), its
/// sidecar facts are what the policy keeps, and the leak gate (<see cref="NiftiLeakGate"/>) checks header,
/// sidecar and path. The item (an uncompressed .nii named by pseudonym and series UID) stays in the private store; the
/// volume stage publishes it like any series. A broken pair (a .hdr without its .img, a short .img) fails
/// with the byte offset; the other images go on.
/// </summary>
public sealed class NiftiSourceStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "nifti.deidentify";

    /// <summary>Bump when the output of the same files, policy and secret changes.</summary>
    public const int Version = 1;

    /// <summary>The metadata member that marks a volume item made from a NIfTI or Analyze source (its header format).</summary>
    public const string SourceFormatProperty = NiftiVolumes.SourceFormatProperty;

    private readonly DeidPolicy _policy;
    private readonly KeyedIdentity _keys;
    private readonly IReadOnlyDictionary<string, int>? _numbers;

    /// <param name="inputs">The <see cref="NiftiFilesStage"/> of each NIfTI and Analyze source.</param>
    /// <param name="policy">The manifest's <c>deidentify:</c> section, bound.</param>
    /// <param name="secret">The project secret.</param>
    /// <param name="numbers">For a <c>{seq:N}</c> pseudonym format: each patient token's number, from the vault.</param>
    public NiftiSourceStage(IReadOnlyList<string> inputs, DeidPolicy policy, byte[] secret, IReadOnlyDictionary<string, int>? numbers = null)
    {
        _policy = policy;
        var policyConfig = policy.Config;
        _keys = new KeyedIdentity(secret);
        var table = _policy.Pseudonym.IsSequential ? new SortedDictionary<string, int>(numbers?.ToDictionary() ?? [], StringComparer.Ordinal) : null;
        _numbers = table;
        var settings = new Dictionary<string, object>
        {
            ["policy"] = policyConfig,
            ["secret_fingerprint"] = _keys.Fingerprint,
            // The cleaners' versions: a change in how header or sidecar is cleaned reruns the stage.
            ["header_cleaner"] = NiftiHeaderCleaner.Version,
            ["sidecar_cleaner"] = SidecarCleaner.Version,
        };
        if (table is not null) settings["numbers"] = table;
        Definition = new StageDefinition(Id, Version, StageShape.Group, inputs, CanonicalJson.Parse(JsonSerializer.Serialize(settings)))
        {
            GroupBy = NiftiFilesStage.ImageProperty,
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var byRole = new Dictionary<NiftiFileRole, StageItem>();
        foreach (var item in input.Items)
        {
            var role = NiftiFiles.Parse(Text(item, "role") ?? "");
            if (!byRole.TryAdd(role, item))
                return StageResult.Failed($"two .{NiftiFiles.Name(role)} files (contents #{byRole[role].Hash.Short} and #{item.Hash.Short}) name one image; keep one");
        }
        byRole.TryGetValue(NiftiFileRole.Single, out var single);
        byRole.TryGetValue(NiftiFileRole.Header, out var header);
        byRole.TryGetValue(NiftiFileRole.Data, out var data);
        byRole.TryGetValue(NiftiFileRole.Sidecar, out var sidecar);
        if (single is null && header is null && data is null) return StageResult.Success(); // a sidecar alone
        if (single is not null && (header is not null || data is not null))
            return StageResult.Failed($"one image is both a .nii (content #{single.Hash.Short}) and a .hdr/.img pair; keep one");
        if (single is null && header is null)
            return StageResult.Failed($"the .img data file (content #{data!.Hash.Short}) has no .hdr header beside it (same name, .hdr); add it or exclude the .img");
        if (single is null && data is null)
            return StageResult.Failed($"the .hdr header (content #{header!.Hash.Short}) has no .img data file beside it (same name, .img); add it or exclude the .hdr");

        var image = single ?? header!;
        Volume volume;
        NiftiHeader original;
        try
        {
            (original, volume) = single is not null ? ReadSingle(single) : ReadPair(header!, data!);
        }
        catch (NiftiFormatException e)
        {
            return StageResult.Failed($"not a readable image: {e.FilePath}: byte {e.Offset}: {e.Problem}");
        }
        JsonObject? sourceSidecar = null;
        if (sidecar is not null)
        {
            try { sourceSidecar = JsonNode.Parse(sidecar.ReadAllBytes()) as JsonObject; }
            catch (JsonException) { } // the files stage failed it already; the image goes on without its facts
        }

        var identity = NiftiIdentity.Of(image.Metadata, _keys, _policy, _numbers);
        if (identity.Problem is { } problem) return StageResult.Failed(problem);
        // Header text, extensions and sidecar keys by the DICOM policy (PS3.15 Annex E, see Deidentify.Nifti).
        var context = NiftiPatientContext.For(_keys, _policy, identity.PatientKey, identity.Pseudonym, identity.Identifiers.Values);
        var headerCleaning = NiftiHeaderCleaner.Clean(original, _policy, context);
        var sidecarCleaning = sourceSidecar is null ? null : SidecarCleaner.Clean(sourceSidecar, _policy, context);
        var acquisition = sidecarCleaning?.Sidecar ?? new JsonObject();
        var bytes = NiftiWriter.Encode(headerCleaning.ApplyTo(volume), gzip: false);
        var path = $"{Id}/{identity.Pseudonym}/{identity.SeriesUid}.nii";
        if (StageOutput.CheckPath(path) is { } bad) return StageResult.Failed("pseudonym or series UID is not usable in a path: " + bad);
        var found = NiftiIdentifiers.Collect(original, sourceSidecar, _policy, identity.Identifiers.Values);
        var identifiers = new LeakCheck(
            new HashSet<string>(identity.Identifiers.Values.Concat(found.Values), StringComparer.OrdinalIgnoreCase),
            new HashSet<string>(identity.Identifiers.NameParts.Concat(found.NameParts), StringComparer.OrdinalIgnoreCase));
        // The leak gate: header and extensions, sidecar values, and the output's path.
        if ((NiftiLeakGate.CheckNifti(bytes, identifiers) ?? NiftiLeakGate.CheckSidecar(acquisition, identifiers)) is { } leak) return StageResult.Failed(leak);
        if (LeakGate.CheckPath(path, identifiers) is { } inPath) return StageResult.Failed(inPath);

        var metadata = new JsonObject
        {
            ["pseudonym"] = identity.Pseudonym,
            ["study_instance_uid"] = identity.StudyUid,
            ["series_instance_uid"] = identity.SeriesUid,
            ["modality"] = Code(acquisition, "Modality") ?? Text(image, "modality") ?? "OT",
            ["manufacturer"] = acquisition["Manufacturer"] is JsonValue m && m.TryGetValue<string>(out var maker) ? maker : null,
            [SourceFormatProperty] = Text(image, "format") ?? "",
            ["acquisition"] = acquisition.DeepClone(),
            [DeidentificationReportStage.CountsProperty] = Counts(headerCleaning.Report, sidecarCleaning?.Report),
        };
        if (!_policy.Anonymise) metadata[DeidentifyStage.SealedIdentityProperty] = SealedIdentity.Seal(_keys, identity.Original);
        return StageResult.Success(new StageOutput(path, bytes, JsonSerializer.SerializeToElement(metadata)));
    }

    private static (NiftiHeader, Volume) ReadSingle(StageItem item)
    {
        var bytes = item.ReadAllBytes();
        var name = $".nii (content #{item.Hash.Short})";
        using var stream = new MemoryStream(bytes, writable: false);
        var header = NiftiReader.ReadHeader(stream, name);
        using var again = new MemoryStream(bytes, writable: false);
        return (header, NiftiReader.Read(again, name));
    }

    private static (NiftiHeader, Volume) ReadPair(StageItem header, StageItem data)
    {
        var bytes = header.ReadAllBytes();
        var name = $".hdr (content #{header.Hash.Short})";
        using var h = new MemoryStream(bytes, writable: false);
        var parsed = NiftiReader.ReadHeader(h, name);
        using var h2 = new MemoryStream(bytes, writable: false);
        using var d = new MemoryStream(data.ReadAllBytes(), writable: false);
        return (parsed, NiftiReader.ReadPair(h2, d, name));
    }

    /// <summary>A sidecar value that has the form of a DICOM code string (CT, MR, PT), else null.</summary>
    private static string? Code(JsonObject sidecar, string key) =>
        sidecar[key] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length is >= 1 and <= 16 && s.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_')
            ? s : null;

    /// <summary>What the cleaners did, per field or key (no values), in the shape the de-identification report sums.</summary>
    private static JsonObject Counts(CleaningReport header, CleaningReport? sidecar)
    {
        var counts = new JsonObject();
        foreach (var (prefix, report) in new[] { ("nifti:", header), ("sidecar:", sidecar) })
            if (report is not null)
                foreach (var (field, outcomes) in report.Counts)
                {
                    var entry = new JsonObject();
                    foreach (var (outcome, n) in outcomes) entry[outcome] = n;
                    counts[prefix + field] = entry;
                }
        return counts;
    }

    /// <summary>A string member of an item's metadata, or null.</summary>
    internal static string? Text(StageItem item, string name) => Text(item.Metadata, name);

    internal static string? Text(JsonElement m, string name) =>
        m.ValueKind == JsonValueKind.Object && m.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
