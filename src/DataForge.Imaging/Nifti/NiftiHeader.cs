using System.Collections.Immutable;

namespace DataForge.Imaging.Nifti;

/// <summary>
/// The fields of a NIfTI-1, NIfTI-2 or Analyze 7.5 header that DataForge uses, as read (before
/// any interpretation other than byte order). <see cref="NiftiReader.ReadHeader(string, string?)"/> returns one.
/// </summary>
public sealed record NiftiHeader
{
    /// <summary>Which header layout the file uses.</summary>
    public required NiftiFormat Format { get; init; }

    /// <summary>True for a single file (.nii: magic n+1/n+2), false for a .hdr/.img pair.</summary>
    public required bool IsSingleFile { get; init; }

    /// <summary>True when the header was stored big-endian.</summary>
    public required bool BigEndian { get; init; }

    /// <summary>dim[0..7]: dim[0] is the number of dimensions.</summary>
    public required ImmutableArray<long> Dim { get; init; }

    /// <summary>NIfTI datatype code.</summary>
    public required int Datatype { get; init; }

    /// <summary>Bits per voxel as stored in the header.</summary>
    public required int Bitpix { get; init; }

    /// <summary>pixdim[0..7]: pixdim[0] is qfac (NIfTI), pixdim[1..] the grid spacings.</summary>
    public required ImmutableArray<double> Pixdim { get; init; }

    /// <summary>Byte offset of the voxel data in the data file.</summary>
    public required long VoxOffset { get; init; }

    public required double SclSlope { get; init; }

    public required double SclInter { get; init; }

    public required double CalMax { get; init; }

    public required double CalMin { get; init; }

    public required int QformCode { get; init; }

    public required int SformCode { get; init; }

    /// <summary>quatern_b, quatern_c, quatern_d, qoffset_x, qoffset_y, qoffset_z.</summary>
    public required ImmutableArray<double> Quatern { get; init; }

    /// <summary>srow_x, srow_y, srow_z (12 values, row-major).</summary>
    public required ImmutableArray<double> Srow { get; init; }

    public required int XyztUnits { get; init; }

    public required int IntentCode { get; init; }

    public required string Description { get; init; }

    public required string IntentName { get; init; }

    /// <summary>
    /// Every character field of the header by its nifti1.h / nifti2.h / dbh.h name (descrip, aux_file,
    /// intent_name, db_name, data_type; for Analyze also vox_units, cal_units and the data_history text
    /// fields originator, generated, scannum, patient_id, exp_date, exp_time, hist_un0), read as Latin-1 up
    /// to the first NUL. These can carry identifying text: see the de-identification's NIfTI header cleaner.
    /// </summary>
    public ImmutableSortedDictionary<string, string> TextFields { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Analyze only: the numeric data_history fields (views, vols_added, start_field, field_skip, omax, omin, smax, smin).</summary>
    public ImmutableSortedDictionary<string, int> AnalyzeHistory { get; init; } = ImmutableSortedDictionary<string, int>.Empty;

    /// <summary>NIfTI only: the header extensions, in file order (empty when the extender's first byte is 0).</summary>
    public ImmutableArray<NiftiExtension> Extensions { get; init; } = [];

    /// <summary>
    /// True when the extension chain could not be followed to its end (an esize that is not a positive multiple of
    /// 16 or runs past vox_offset, or the file ended): <see cref="Extensions"/> holds those read before the damage.
    /// </summary>
    public bool ExtensionsDamaged { get; init; }

    /// <summary>Analyze only: SPM's 1-based origin voxel (zeros when unset).</summary>
    public ImmutableArray<short> Origin { get; init; } = [0, 0, 0];

    /// <summary>Analyze only: glmax and glmin, used by SPM2 scaling when funused1 is unset.</summary>
    public (int Max, int Min) GlobalRange { get; init; }

    /// <summary>Number of dimensions (dim[0]).</summary>
    public int Rank => (int)Dim[0];

    /// <summary>The shape dim[1..dim[0]].</summary>
    public IReadOnlyList<int> Shape => Dim.Skip(1).Take(Rank).Select(d => (int)d).ToArray();

    /// <summary>The voxel type, or null when the datatype is not supported.</summary>
    public VoxelType? VoxelType => Imaging.VoxelType.FromCode(Datatype);

    /// <summary>The qform built from the quaternion, qfac and pixdim (nifti1.h method 2).</summary>
    public Affine Qform => Quaternions.ToAffine(Quatern[0], Quatern[1], Quatern[2], Quatern[3], Quatern[4], Quatern[5],
        Pixdim[1], Pixdim[2], Pixdim[3], Pixdim[0] < 0 ? -1 : 1);

    /// <summary>The sform from srow_x/y/z (nifti1.h method 3).</summary>
    public Affine Sform => Affine.FromRows(Srow.AsSpan());

    /// <summary>
    /// Analyze's affine as SPM99/SPM2 and nibabel assume it: x flipped (radiological storage),
    /// translation from the SPM origin when it is set and plausible, else the volume's centre.
    /// </summary>
    public Affine AnalyzeAffine
    {
        get
        {
            var zooms = new[] { -Pixdim[1], Pixdim[2], Pixdim[3] };
            var origin = new double[3];
            var useOrigin = Origin.Any(o => o != 0);
            for (var i = 0; i < 3; i++)
            {
                var d = i < Rank ? Dim[i + 1] : 1;
                if (!(Origin[i] > -d && Origin[i] < d * 2)) useOrigin = false;
            }
            for (var i = 0; i < 3; i++)
            {
                var d = i < Rank ? Dim[i + 1] : 1;
                origin[i] = useOrigin ? Origin[i] - 1 : (d - 1) / 2.0;
            }
            return Affine.Diagonal(zooms[0], zooms[1], zooms[2],
                -origin[0] * zooms[0], -origin[1] * zooms[1], -origin[2] * zooms[2]);
        }
    }

    /// <summary>
    /// The real-value scaling: scl_slope and scl_inter when the slope is finite and non-zero
    /// (nifti1.h: a zero slope means no scaling). Analyze follows SPM2: funused1/funused2, else the
    /// ratio of the calibrated range (cal_min..cal_max) to the stored range (glmin..glmax).
    /// </summary>
    public IntensityScaling Scaling
    {
        get
        {
            if (double.IsFinite(SclSlope) && SclSlope != 0)
                return new IntensityScaling(SclSlope, double.IsFinite(SclInter) ? SclInter : 0);
            if (Format == NiftiFormat.Analyze75)
            {
                var stored = (double)GlobalRange.Max - GlobalRange.Min;
                var real = CalMax - CalMin;
                if (stored != 0 && real != 0 && double.IsFinite(real))
                {
                    var slope = real / stored;
                    return new IntensityScaling(slope, CalMin - slope * GlobalRange.Min);
                }
            }
            return IntensityScaling.Identity;
        }
    }
}
