using System.IO.Compression;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;

namespace DataForge.Release.Changes;

/// <summary>
/// What differs between two NIfTI files (plain or gzipped): the header in the terms a reader of the image uses
/// (shape, spacing, data type, qform, sform, intensity scaling, display range, units, intent, each text field by
/// its nifti1.h name), the header extensions, and the voxel data as a whole. Values are compared, never returned.
/// </summary>
public static class NiftiContentDiff
{
    // Field -> what of the header it compares: a table, so a new field is one line.
    private static readonly (string Subject, Func<NiftiHeader, string> Value)[] Fields =
    [
        ("format", h => h.Format.ToString()),
        ("shape", h => string.Join('x', h.Shape)),
        ("spacing", h => string.Join(',', h.Pixdim.Skip(1).Take(Math.Max(h.Rank, 1)))),
        ("data type", h => $"{h.Datatype}/{h.Bitpix}"),
        ("qform", h => $"{h.QformCode};{h.Pixdim[0]};{string.Join(',', h.Quatern)}"),
        ("sform", h => $"{h.SformCode};{string.Join(',', h.Srow)}"),
        ("intensity scaling", h => $"{h.SclSlope};{h.SclInter}"),
        ("display range", h => $"{h.CalMin};{h.CalMax}"),
        ("units", h => h.XyztUnits.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("intent", h => h.IntentCode.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("header extensions", h => string.Join(';', h.Extensions.Select(e => $"{e.Code}:{Convert.ToHexString(e.Data.Span)}"))),
    ];

    /// <summary>True for a path this diff reads.</summary>
    public static bool Reads(string path) =>
        path.EndsWith(".nii.gz", StringComparison.Ordinal) || path.EndsWith(".nii", StringComparison.Ordinal);

    /// <summary>The changes; null when either side is not a readable single-file NIfTI.</summary>
    public static IReadOnlyList<ContentChange>? Compare(byte[] before, byte[] after)
    {
        try
        {
            var a = Inflate(before);
            var b = Inflate(after);
            var ha = NiftiReader.ReadHeader(new MemoryStream(a, writable: false), "before");
            var hb = NiftiReader.ReadHeader(new MemoryStream(b, writable: false), "after");
            if (!ha.IsSingleFile || !hb.IsSingleFile) return null;
            var changes = new List<ContentChange>();
            foreach (var (subject, value) in Fields)
                if (value(ha) != value(hb)) changes.Add(new ContentChange(ContentChangeKinds.Nifti, subject, "changed"));
            foreach (var name in ha.TextFields.Keys.Union(hb.TextFields.Keys).Order(StringComparer.Ordinal))
                if (ha.TextFields.GetValueOrDefault(name, "") != hb.TextFields.GetValueOrDefault(name, ""))
                    changes.Add(new ContentChange(ContentChangeKinds.Nifti, name, "changed"));
            if (!Voxels(a, ha).SequenceEqual(Voxels(b, hb))) changes.Add(new ContentChange(ContentChangeKinds.Nifti, "voxel data", "changed"));
            // Same header and voxels, other bytes: only the gzip wrapping (or padding) differs.
            if (changes.Count == 0) changes.Add(new ContentChange(ContentChangeKinds.Nifti, "encoding", "changed (same header and voxels)"));
            return changes;
        }
        catch (Exception e) when (e is ImagingException or InvalidDataException)
        {
            return null;
        }
    }

    private static ReadOnlySpan<byte> Voxels(byte[] file, NiftiHeader header) =>
        header.VoxOffset >= 0 && header.VoxOffset <= file.Length ? file.AsSpan((int)header.VoxOffset) : [];

    private static byte[] Inflate(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1F || bytes[1] != 0x8B) return bytes;
        using var gzip = new GZipStream(new MemoryStream(bytes, writable: false), CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
