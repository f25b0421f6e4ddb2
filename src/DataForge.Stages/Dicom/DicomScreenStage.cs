using System.Buffers;
using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Dicom;

/// <summary>
/// Map stage <c>dicom.screen.SOURCE</c>, beside the pipeline on each DICOM source: it tells which files the stages
/// that read the source leave out (they run the same tests as they read, see <see cref="DicomScreening"/>) and records
/// each of them as <c>skipped/HASH</c> (empty content; metadata: the verdict, the source id, the file's SHA-256, size
/// and the reason; no path) for <see cref="ScreeningReportStage"/>. A file the pipeline keeps gets no output.
/// <list type="bullet">
/// <item><c>not-dicom</c>: no Part 10 prefix and no plausible first data element (<see cref="DicomSniff"/>): a
/// README, PDF or JPEG beside the images. Skipped, never a failure; its first bytes only are read.</item>
/// <item><c>media-storage-directory</c>: a DICOMDIR, whatever its name (<see cref="MediaStorageDirectory"/>):
/// never published.</item>
/// <item><c>unreadable</c>: looks like DICOM but does not parse (read whole, so a truncated file is found). With the
/// source's <c>on_unreadable: exclude</c> (the default) it is excluded and reported; with <c>fail</c> it fails the
/// build here, so no release can be made.</item>
/// </list>
/// It is not in the chain of the stages that read the source: they read the source as before, so a stage that
/// nothing reads keeps planning only its changed inputs.
/// </summary>
public sealed class DicomScreenStage : IStage
{
    /// <summary>Stage id prefix; the source id follows.</summary>
    public const string IdPrefix = "dicom.screen.";

    /// <summary>Bump when the verdict or the output of the same input changes.</summary>
    public const int Version = 1;

    /// <summary>Output path prefix of the records of skipped files.</summary>
    public const string SkippedFolder = "skipped/";

    /// <summary>Verdicts of skipped files.</summary>
    public const string NotDicom = "not-dicom", Directory = "media-storage-directory", Unreadable = "unreadable";

    private readonly string _source;
    private readonly bool _failUnreadable;

    /// <param name="source">The DICOM source's id.</param>
    /// <param name="onUnreadable"><c>exclude</c> (default) or <c>fail</c>.</param>
    public DicomScreenStage(string source, string onUnreadable = OnUnreadable.Exclude)
    {
        if (onUnreadable is not (OnUnreadable.Exclude or OnUnreadable.Fail))
            throw new ArgumentException($"on_unreadable is '{onUnreadable}'; use exclude or fail", nameof(onUnreadable));
        _source = source;
        _failUnreadable = onUnreadable == OnUnreadable.Fail;
        var config = StageConfig.Canonical(new Dictionary<string, string> { ["source"] = source, ["on_unreadable"] = onUnreadable });
        Definition = new StageDefinition(IdPrefix + source, Version, StageShape.Map, [source], config);
    }

    public StageDefinition Definition { get; }

    /// <summary>True when a stage id is a screen's.</summary>
    public static bool IsScreen(string stageId) => stageId.StartsWith(IdPrefix, StringComparison.Ordinal);

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        // Junk can be large (a PDF, a viewer program): its first bytes decide, the rest is never read.
        Span<byte> head = stackalloc byte[DicomSniff.HeadLength];
        int got;
        using (var stream = item.OpenRead()) got = ReadUpTo(stream, head);
        if (!DicomSniff.LooksLikeDicom(head[..got], item.Size))
            return Skip(item, NotDicom, "not a DICOM file (no DICM prefix and no data element at its start)");
        if (item.Size > Array.MaxLength) return StageResult.Failed("the file is too large to read in memory");
        var size = (int)item.Size;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            using (var stream = item.OpenRead())
                if (ReadUpTo(stream, buffer.AsSpan(0, size)) != size || stream.ReadByte() >= 0)
                    return StageResult.Failed("the file changed while the build read it; run the build again");
            DicomFile file;
            try
            {
                file = DicomReader.Read(buffer, size);
            }
            catch (DicomFormatException e)
            {
                var reason = ReadFailure.Describe(e);
                return _failUnreadable ? StageResult.Failed(reason + " (on_unreadable: fail)") : Skip(item, Unreadable, reason);
            }
            if (MediaStorageDirectory.Is(file))
                return Skip(item, Directory, "a Media Storage Directory (DICOMDIR, SOP Class " + MediaStorageDirectory.SopClassUid + "): an index of a file-set, never published");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return StageResult.Success();
    }

    private StageResult Skip(StageItem item, string verdict, string reason) =>
        StageResult.Success(new StageOutput($"{SkippedFolder}{item.Hash.Hex}", ReadOnlyMemory<byte>.Empty,
            JsonSerializer.SerializeToElement(new Dictionary<string, object>
            {
                [ScreeningReportStage.VerdictProperty] = verdict, ["source"] = _source, ["sha256"] = item.Hash.Hex, ["size"] = item.Size, ["reason"] = reason,
            })));

    private static int ReadUpTo(Stream stream, Span<byte> into)
    {
        var done = 0;
        while (done < into.Length)
        {
            var read = stream.Read(into[done..]);
            if (read <= 0) break;
            done += read;
        }
        return done;
    }

    /// <summary>The values of a source's <c>on_unreadable</c>.</summary>
    public static class OnUnreadable
    {
        /// <summary>Damaged DICOM is excluded, reported and listed by hash in the release manifest (default).</summary>
        public const string Exclude = "exclude";

        /// <summary>Damaged DICOM fails the build: no release until it is fixed or removed.</summary>
        public const string Fail = "fail";
    }
}
