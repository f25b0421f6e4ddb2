using DataForge.Dicom.IO;

namespace DataForge.Dicom;

/// <summary>
/// A DICOM Part 10 file (PS3.10 7.1): 128-byte preamble, "DICM", the file meta information (group 0002, always
/// Explicit VR Little Endian) and the dataset encoded in the transfer syntax the meta information names.
/// </summary>
public sealed class DicomFile
{
    /// <summary>Implementation Class UID (0002,0012) written by DataForge: a UUID-derived UID (PS3.5 B.2).</summary>
    public const string ImplementationClassUid = "2.25.233862612133429283307196046577036374361";

    /// <summary>Implementation Version Name (0002,0013) written by DataForge.</summary>
    public const string ImplementationVersionName = "DATAFORGE_1";

    public DicomFile(DicomDataset meta, DicomDataset dataset, byte[]? preamble = null)
    {
        Meta = meta ?? throw new ArgumentNullException(nameof(meta));
        Dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        Preamble = preamble ?? new byte[128];
        if (Preamble.Length != 128) throw new ArgumentException("the preamble is 128 bytes (PS3.10 7.1)", nameof(preamble));
    }

    /// <summary>The 128-byte preamble as read (zeros when created).</summary>
    public byte[] Preamble { get; }

    /// <summary>File meta information, group 0002.</summary>
    public DicomDataset Meta { get; }

    /// <summary>The dataset proper.</summary>
    public DicomDataset Dataset { get; }

    /// <summary>True when the file was read without a preamble and meta information (a raw dataset).</summary>
    public bool HadNoMeta { get; internal set; }

    /// <summary>Deviations from the standard that reading tolerated (e.g. missing delimiters at the end of the data); never values.</summary>
    public IReadOnlyList<string> Warnings { get; internal set; } = [];

    /// <summary>True when the file had the 128-byte preamble and "DICM" (or at least "DICM").</summary>
    public bool HadPreamble { get; internal set; } = true;

    /// <summary>The encoding the reader found the dataset in, when it differs from or replaces (0002,0010).</summary>
    internal DicomTransferSyntax? DatasetSyntax { get; set; }

    /// <summary>
    /// The transfer syntax of the dataset: (0002,0010), or for a raw dataset without meta information the encoding
    /// the reader recognised; Implicit VR Little Endian for a dataset built without one.
    /// </summary>
    public DicomTransferSyntax TransferSyntax
    {
        get
        {
            var uid = Meta.GetString(DicomTags.TransferSyntaxUID);
            if (uid is not null) return DicomTransferSyntax.FromUid(uid);
            return DatasetSyntax ?? DicomTransferSyntax.ImplicitVRLittleEndian;
        }
    }

    /// <summary>
    /// A new file for a dataset: builds the meta information (PS3.10 7.1) with the given SOP Class and Instance UIDs
    /// and transfer syntax, and sets SOP Class UID (0008,0016) and SOP Instance UID (0008,0018) in the dataset to match.
    /// </summary>
    public static DicomFile Create(DicomDataset dataset, string sopClassUid, string sopInstanceUid, DicomTransferSyntax? syntax = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(sopClassUid);
        ArgumentException.ThrowIfNullOrWhiteSpace(sopInstanceUid);
        syntax ??= DicomTransferSyntax.ExplicitVRLittleEndian;
        dataset.Add(DicomTags.SOPClassUID, sopClassUid);
        dataset.Add(DicomTags.SOPInstanceUID, sopInstanceUid);
        var meta = new DicomDataset()
            .Add(DicomTags.FileMetaInformationGroupLength, 0u)
            .Add(DicomTags.FileMetaInformationVersion, DicomVR.OB, [0x00, 0x01])
            .Add(DicomTags.MediaStorageSOPClassUID, sopClassUid)
            .Add(DicomTags.MediaStorageSOPInstanceUID, sopInstanceUid)
            .Add(DicomTags.TransferSyntaxUID, syntax.Uid)
            .Add(DicomTags.ImplementationClassUID, ImplementationClassUid)
            .Add(DicomTags.ImplementationVersionName, ImplementationVersionName);
        return new DicomFile(meta, dataset);
    }

    /// <summary>The same content with another (uncompressed or deflated) transfer syntax named in the meta information.</summary>
    public DicomFile WithTransferSyntax(DicomTransferSyntax syntax)
    {
        var meta = new DicomDataset(Meta);
        meta.Add(DicomTags.TransferSyntaxUID, syntax.Uid);
        return new DicomFile(meta, Dataset, Preamble);
    }

    /// <summary>Writes the file to a stream.</summary>
    public void Save(Stream stream) => DicomWriter.WriteFile(stream, this);

    /// <summary>Writes the file atomically: to a temporary file beside it, then renamed over the target.</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        var temp = full + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                Save(stream);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The whole file as bytes, written once into an array of its exact size (pixel data copied once).</summary>
    public byte[] ToBytes()
    {
        if (DicomWriter.Measure(this) is { } size && size <= Array.MaxLength)
        {
            // Every byte is written below: no need to clear the array first.
            var bytes = GC.AllocateUninitializedArray<byte>((int)size);
            var exact = new MemoryStream(bytes, writable: true);
            Save(exact);
            if (exact.Position != size) throw new InvalidOperationException($"the file measured {size} bytes but {exact.Position} were written");
            return bytes;
        }
        var ms = new MemoryStream();
        Save(ms);
        return ms.ToArray();
    }

    /// <summary>Reads a whole file (see <see cref="DicomReader"/>).</summary>
    public static DicomFile Open(string path, DicomReadOptions? options = null) => DicomReader.ReadFile(path, options);

    /// <summary>Reads a file's header only: stops before Pixel Data (7FE0,0010) without reading it.</summary>
    public static DicomFile OpenHeader(string path) => DicomReader.ReadFile(path, DicomReadOptions.HeaderOnly);
}
