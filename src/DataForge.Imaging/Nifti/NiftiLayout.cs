namespace DataForge.Imaging.Nifti;

/// <summary>
/// Where each header field lives, as data: one descriptor per format, so that one parser and one
/// writer serve NIfTI-1, NIfTI-2 and Analyze 7.5. Offsets from nifti1.h and nifti2.h; Analyze's
/// SPM fields (funused1/2 as scale and intercept, originator as the origin) share NIfTI-1's bytes.
/// </summary>
internal sealed record NiftiLayout(
    NiftiFormat Format,
    int HeaderSize,
    int MagicOffset,
    NiftiField Datatype,
    NiftiField Bitpix,
    NiftiField Dim,
    NiftiField Pixdim,
    NiftiField VoxOffset,
    NiftiField SclSlope,
    NiftiField SclInter,
    NiftiField CalMax,
    NiftiField CalMin,
    NiftiField QformCode,
    NiftiField SformCode,
    NiftiField Quatern,
    NiftiField Srow,
    NiftiField XyztUnits,
    NiftiField IntentCode,
    int DescripOffset,
    int IntentNameOffset)
{
    /// <summary>Bytes of the extension flag that follows the header in a single file (nifti1.h nifti1_extender).</summary>
    public const int ExtenderSize = 4;

    /// <summary>Byte offset of Analyze's glmax and glmin (int32), used by SPM2 scaling.</summary>
    public const int AnalyzeGlmax = 140, AnalyzeGlmin = 144;

    /// <summary>Byte offset of SPM's origin (3 int16, 1-based voxel) inside Analyze's originator.</summary>
    public const int AnalyzeOrigin = 253;

    public static NiftiLayout Nifti1 { get; } = new(
        NiftiFormat.Nifti1, 348, 344,
        Datatype: new(70, FieldKind.Int16), Bitpix: new(72, FieldKind.Int16),
        Dim: new(40, FieldKind.Int16), Pixdim: new(76, FieldKind.Float32), VoxOffset: new(108, FieldKind.Float32),
        SclSlope: new(112, FieldKind.Float32), SclInter: new(116, FieldKind.Float32),
        CalMax: new(124, FieldKind.Float32), CalMin: new(128, FieldKind.Float32),
        QformCode: new(252, FieldKind.Int16), SformCode: new(254, FieldKind.Int16),
        Quatern: new(256, FieldKind.Float32), Srow: new(280, FieldKind.Float32),
        XyztUnits: new(123, FieldKind.UInt8), IntentCode: new(68, FieldKind.Int16),
        DescripOffset: 148, IntentNameOffset: 328);

    public static NiftiLayout Analyze75 { get; } = Nifti1 with { Format = NiftiFormat.Analyze75 };

    public static NiftiLayout Nifti2 { get; } = new(
        NiftiFormat.Nifti2, 540, 4,
        Datatype: new(12, FieldKind.Int16), Bitpix: new(14, FieldKind.Int16),
        Dim: new(16, FieldKind.Int64), Pixdim: new(104, FieldKind.Float64), VoxOffset: new(168, FieldKind.Int64),
        SclSlope: new(176, FieldKind.Float64), SclInter: new(184, FieldKind.Float64),
        CalMax: new(192, FieldKind.Float64), CalMin: new(200, FieldKind.Float64),
        QformCode: new(344, FieldKind.Int32), SformCode: new(348, FieldKind.Int32),
        Quatern: new(352, FieldKind.Float64), Srow: new(400, FieldKind.Float64),
        XyztUnits: new(500, FieldKind.Int32), IntentCode: new(504, FieldKind.Int32),
        DescripOffset: 240, IntentNameOffset: 508);

    /// <summary>
    /// The character fields of the header by their nifti1.h / nifti2.h / dbh.h names: (offset, length).
    /// NIfTI-1 keeps Analyze's data_type and db_name as unused text; NIfTI-2 has neither. Analyze 7.5's
    /// data_history holds the free-text fields that NIfTI-1 reused for its orientation (originator to exp_time).
    /// </summary>
    public IReadOnlyList<(string Name, int Offset, int Length)> TextFields => Format switch
    {
        NiftiFormat.Nifti2 => [("descrip", 240, 80), ("aux_file", 320, 24), ("intent_name", 508, 16)],
        NiftiFormat.Nifti1 => [("data_type", 4, 10), ("db_name", 14, 18), ("descrip", 148, 80), ("aux_file", 228, 24), ("intent_name", 328, 16)],
        _ =>
        [
            ("data_type", 4, 10), ("db_name", 14, 18), ("vox_units", 56, 4), ("cal_units", 60, 8), ("descrip", 148, 80), ("aux_file", 228, 24),
            ("originator", 253, 10), ("generated", 263, 10), ("scannum", 273, 10), ("patient_id", 283, 10), ("exp_date", 293, 10),
            ("exp_time", 303, 10), ("hist_un0", 313, 3),
        ],
    };

    /// <summary>Analyze 7.5's numeric data_history fields (dbh.h), int32 each, from <c>views</c> at byte 316 to <c>smin</c> at 344.</summary>
    public static IReadOnlyList<(string Name, int Offset)> AnalyzeHistoryNumbers { get; } =
    [
        ("views", 316), ("vols_added", 320), ("start_field", 324), ("field_skip", 328), ("omax", 332), ("omin", 336), ("smax", 340), ("smin", 344),
    ];

    /// <summary>Magic of a single .nii file and of a .hdr/.img pair.</summary>
    public (byte[] Single, byte[] Pair) Magic => Format == NiftiFormat.Nifti2
        ? ("n+2\0\r\n\u001a\n"u8.ToArray(), "ni2\0\r\n\u001a\n"u8.ToArray())
        : ("n+1\0"u8.ToArray(), "ni1\0"u8.ToArray());

    /// <summary>Data offset of a single file with no extensions: header plus the 4-byte extender.</summary>
    public int MinimumSingleFileOffset => HeaderSize + ExtenderSize;
}
