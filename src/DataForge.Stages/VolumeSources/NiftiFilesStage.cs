using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging.Nifti;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.VolumeSources;

/// <summary>
/// Map stage <c>nifti.files.SOURCE</c>, one per NIfTI or Analyze source: each file is read where its
/// relative path is known, so that a broken file fails as itself (the engine quarantines it under its path,
/// privately) with the byte offset of the problem. Single-file NIfTI is read whole (header and voxels), a
/// .hdr its header, a .json sidecar must be a JSON object; other files (README, .tsv, .bval, ...) are
/// skipped. Images are given their subject and session from the path (<see cref="SubjectPattern"/>); an
/// image whose path does not match fails. Each file passes through uncopied with private metadata: the
/// image it belongs to (a keyed token of source and stem, what <see cref="NiftiSourceStage"/> groups on),
/// its role, subject, session, stem and modality. Output paths are tokens, never the file's name.
/// </summary>
public sealed class NiftiFilesStage : IStage
{
    /// <summary>Stage id prefix; the source id follows.</summary>
    public const string IdPrefix = "nifti.files.";

    /// <summary>Bump when the metadata of the same file and config changes.</summary>
    public const int Version = 1;

    /// <summary>The metadata member that names the image a file belongs to.</summary>
    public const string ImageProperty = "nifti_image";

    private readonly SourceSpec _source;
    private readonly SubjectPattern _pattern;
    private readonly KeyedIdentity? _keys;
    private readonly string _where;

    /// <param name="source">The manifest's source (kind nifti or analyze).</param>
    /// <param name="index">Its index in <c>sources:</c>, for messages.</param>
    /// <param name="secret">The project secret (tokens are keyed when given; without <c>deidentify:</c> they are plain hashes).</param>
    public NiftiFilesStage(SourceSpec source, int index, byte[]? secret)
    {
        _source = source;
        _pattern = SubjectPattern.For(source);
        _keys = secret is null ? null : new KeyedIdentity(secret);
        _where = $"sources[{index}]";
        var config = new Dictionary<string, object?>
        {
            ["source"] = source.Id,
            ["subject"] = _pattern.Text,
            ["modality"] = source.Modality,
            ["secret_fingerprint"] = _keys?.Fingerprint,
        };
        Definition = new StageDefinition(IdFor(source.Id), Version, StageShape.Map, [source.Id], CanonicalJson.FromObject(config))
        {
            ReadsInputPaths = true,
        };
    }

    /// <summary>The stage id for a source.</summary>
    public static string IdFor(string sourceId) => IdPrefix + sourceId;

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        var path = item.Path ?? throw new InvalidOperationException("the stage reads input paths");
        var (role, stem) = NiftiFiles.Classify(path);
        if (role == NiftiFileRole.Other) return StageResult.Success();
        var who = _pattern.Match(path);
        var metadata = new JsonObject
        {
            [ImageProperty] = Token(stem),
            ["role"] = NiftiFiles.Name(role),
        };
        switch (role)
        {
            case NiftiFileRole.Sidecar:
                if (who is null) return StageResult.Success(); // dataset_description.json and other dataset-level JSON
                if (Sidecar(item.ReadAllBytes()) is { } bad) return StageResult.Failed(bad);
                break;
            case NiftiFileRole.Single or NiftiFileRole.Header:
                if (who is null) return StageResult.Failed(NoSubject());
                try
                {
                    using var stream = new MemoryStream(item.ReadAllBytes(), writable: false);
                    var header = role == NiftiFileRole.Single
                        ? NiftiReader.ReadHeader(stream, "the file")
                        : NiftiReader.ReadHeader(stream, "the header");
                    if (role == NiftiFileRole.Single)
                    {
                        stream.Position = 0;
                        NiftiReader.Read(stream, "the file");
                        if (!header.IsSingleFile) return StageResult.Failed("a .nii file holds a pair header (magic ni1/ni2): its voxels would be in a separate .img; rename it .hdr beside its .img");
                    }
                    else if (header.IsSingleFile)
                        return StageResult.Failed("a .hdr file holds a single-file header (magic n+1/n+2); name it .nii");
                    metadata["format"] = header.Format.ToString();
                }
                catch (NiftiFormatException e)
                {
                    return StageResult.Failed($"not a readable {(role == NiftiFileRole.Single ? "NIfTI file" : ".hdr header")}: byte {e.Offset}: {e.Problem}");
                }
                break;
            case NiftiFileRole.Data:
                if (who is null) return StageResult.Failed(NoSubject());
                break;
        }
        if (who is { } found)
        {
            metadata["subject"] = found.Subject;
            if (found.Session is { } session) metadata["session"] = session;
        }
        metadata["stem"] = stem;
        metadata["modality"] = _source.Modality ?? NiftiFiles.InferModality(path);
        var element = JsonSerializer.SerializeToElement(metadata);
        return StageResult.Success(new StageOutput($"{Definition.Id}/{metadata[ImageProperty]}.{NiftiFiles.Name(role)}", item, element));
    }

    private string NoSubject() => _pattern.IsBids
        ? $"the path is not inside a BIDS subject folder (sub-LABEL/ or sub-LABEL/ses-LABEL/); give {_where} a subject: expression that captures the subject from the path"
        : $"the path does not match {_where}.subject, so the image has no subject; change the expression or exclude the file";

    /// <summary>A JSON sidecar must be one object; the message says where the text is broken (line and byte), never what it holds.</summary>
    private static string? Sidecar(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
            return doc.RootElement.ValueKind == JsonValueKind.Object ? null : "the JSON sidecar is not a JSON object";
        }
        catch (JsonException e)
        {
            return $"the JSON sidecar is not valid JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1})";
        }
    }

    /// <summary>The image's token: keyed by the secret when there is one (it becomes a group label in messages).</summary>
    private string Token(string stem)
    {
        var text = "nifti-image\0" + _source.Id + "\0" + stem;
        return _keys is { } keys ? keys.Hash(text, 26).ToLowerInvariant()
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..26];
    }
}
