namespace DataForge.Imaging.Nifti;

/// <summary>
/// One header extension of a NIfTI-1 or NIfTI-2 file (nifti1.h, "extensions"): its ecode and the
/// <c>esize - 8</c> bytes that follow the esize/ecode pair (padding included), as stored.
/// </summary>
/// <param name="Code">The ecode (the NIfTI extension registry: 2 DICOM, 4 AFNI, 6 comment, ...).</param>
/// <param name="Offset">Byte offset of the extension's esize field in the (decompressed) header file.</param>
/// <param name="Data">The payload bytes.</param>
public sealed record NiftiExtension(int Code, long Offset, ReadOnlyMemory<byte> Data);
