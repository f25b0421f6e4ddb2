using System.Text;

namespace DataForge.Imaging.Nifti;

/// <summary>
/// Writes volumes as single-file NIfTI-1 or NIfTI-2, little-endian, with no extensions: .nii, or
/// .nii.gz through <see cref="DeterministicGzipStream"/>. The same volume and options always give
/// the same bytes. Files are written atomically (a temporary file beside the target, then renamed).
/// </summary>
public static class NiftiWriter
{
    /// <summary>Writes <paramref name="volume"/> to <paramref name="path"/>; gzip when the name ends in .gz.</summary>
    public static void Write(Volume volume, string path, NiftiWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Write(volume, file, path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase), options);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes the file's bytes to a stream (gzip-compressed when <paramref name="gzip"/>).</summary>
    public static void Write(Volume volume, Stream output, bool gzip, NiftiWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(output);
        options ??= NiftiWriteOptions.Default;
        var layout = LayoutFor(volume, options);
        var header = EncodeHeader(volume, layout);
        if (!gzip)
        {
            output.Write(header);
            WriteVoxels(volume, output);
            return;
        }
        using var compressed = new DeterministicGzipStream(output, options.CompressionLevel);
        compressed.Write(header);
        WriteVoxels(volume, compressed);
    }

    /// <summary>The file's bytes in memory.</summary>
    public static byte[] Encode(Volume volume, bool gzip, NiftiWriteOptions? options = null)
    {
        using var memory = new MemoryStream();
        Write(volume, memory, gzip, options);
        return memory.ToArray();
    }

    /// <summary>
    /// The .nii.gz form of a single-file NIfTI: bytes that are already gzip pass unchanged, others are
    /// compressed deterministically (no name, no mtime), so the same .nii always gives the same .nii.gz.
    /// </summary>
    public static byte[] Gzip(byte[] nifti, int compressionLevel = 6)
    {
        ArgumentNullException.ThrowIfNull(nifti);
        if (nifti is [0x1f, 0x8b, ..]) return nifti;
        using var memory = new MemoryStream();
        using (var compressed = new DeterministicGzipStream(memory, compressionLevel)) compressed.Write(nifti);
        return memory.ToArray();
    }

    private static NiftiLayout LayoutFor(Volume volume, NiftiWriteOptions options)
    {
        var needsTwo = volume.Shape.Any(d => d > short.MaxValue);
        return options.Format switch
        {
            null => needsTwo ? NiftiLayout.Nifti2 : NiftiLayout.Nifti1,
            NiftiFormat.Nifti1 when needsTwo => throw new ImagingException(
                $"a dimension of {volume.Shape.Max()} does not fit NIfTI-1's int16 dim field; write NIfTI-2"),
            NiftiFormat.Nifti1 => NiftiLayout.Nifti1,
            NiftiFormat.Nifti2 => NiftiLayout.Nifti2,
            _ => throw new ArgumentException($"cannot write {options.Format}", nameof(options)),
        };
    }

    /// <summary>Header plus the 4-byte extender (no extensions); the data follows at vox_offset.</summary>
    private static byte[] EncodeHeader(Volume volume, NiftiLayout layout)
    {
        var bytes = new byte[layout.MinimumSingleFileOffset];
        var h = bytes.AsSpan();
        new NiftiField(0, FieldKind.Int32).Write(h, layout.HeaderSize);
        layout.Magic.Single.CopyTo(h[layout.MagicOffset..]);

        layout.Dim.Write(h, volume.Shape.Length);
        for (var i = 1; i < 8; i++) layout.Dim.Write(h, volume.Dim(i - 1), i);
        layout.Datatype.Write(h, volume.Type.Code);
        layout.Bitpix.Write(h, volume.Type.Size * 8);

        var (b, c, d, qx, qy, qz, qfac) = Quaternions.FromAffine(volume.Qform);
        layout.Pixdim.Write(h, qfac);
        for (var i = 1; i < 8; i++)
            layout.Pixdim.Write(h, i <= volume.Pixdim.Length ? volume.Pixdim[i - 1] : 1, i);
        // pixdim[1..3] are the qform's voxel sizes (nifti1.h method 2): when the volume's pixdims
        // disagree with its qform (a qform set by hand), the qform wins.
        var zooms = volume.Qform.Zooms;
        double[] qformZooms = [zooms.X, zooms.Y, zooms.Z];
        for (var i = 0; i < 3; i++)
            if (volume.QformCode != XformCode.Unknown && Math.Abs(Math.Abs(volume.Pixdim[i]) - qformZooms[i]) > 1e-6 * qformZooms[i])
                layout.Pixdim.Write(h, qformZooms[i], i + 1);
        layout.VoxOffset.Write(h, layout.MinimumSingleFileOffset);
        layout.SclSlope.Write(h, volume.Scaling.Slope);
        layout.SclInter.Write(h, volume.Scaling.Intercept);
        layout.XyztUnits.Write(h, (int)volume.SpatialUnit | (int)volume.TemporalUnit);
        layout.IntentCode.Write(h, volume.IntentCode);

        layout.QformCode.Write(h, (int)volume.QformCode);
        layout.SformCode.Write(h, (int)volume.SformCode);
        double[] quatern = [b, c, d, qx, qy, qz];
        for (var i = 0; i < 6; i++) layout.Quatern.Write(h, quatern[i], i);
        for (var r = 0; r < 3; r++)
            for (var col = 0; col < 4; col++)
                layout.Srow.Write(h, volume.Sform[r, col], r * 4 + col);

        // descrip is char[80] and intent_name char[16]: ASCII, truncated, NUL-terminated; other characters become '?'.
        var text = Encoding.ASCII.GetBytes(volume.Description);
        text.AsSpan(0, Math.Min(text.Length, 79)).CopyTo(h[layout.DescripOffset..]);
        var intent = Encoding.ASCII.GetBytes(volume.IntentName);
        intent.AsSpan(0, Math.Min(intent.Length, 15)).CopyTo(h[layout.IntentNameOffset..]);
        return bytes;
    }

    private static void WriteVoxels(Volume volume, Stream output)
    {
        if (BitConverter.IsLittleEndian)
        {
            // Chunks keep each write below the sizes where some streams copy into large buffers.
            var bytes = volume.VoxelBytes;
            const int chunk = 1 << 20;
            for (var at = 0; at < bytes.Length; at += chunk)
                output.Write(bytes.Slice(at, Math.Min(chunk, bytes.Length - at)));
            return;
        }
        var copy = volume.Type.Allocate(volume.VoxelCount);
        volume.VoxelBytes.CopyTo(volume.Type.Bytes(copy));
        volume.Type.SwapBytes(copy);
        output.Write(volume.Type.Bytes(copy));
    }
}
