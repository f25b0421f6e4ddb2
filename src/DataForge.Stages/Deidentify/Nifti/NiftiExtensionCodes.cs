using System.Buffers.Binary;
using DataForge.Imaging.Nifti;

namespace DataForge.Stages.Deidentify.Nifti;

/// <summary>
/// The NIfTI extension registry (ecodes 0 to 44, as the NIfTI site and nibabel list them) and which
/// extensions may stay. Most registered extensions are containers for text or whole other formats: DICOM (2)
/// holds the source header with names and IDs, AFNI (4) and XCEDE (8) are XML with history and subject
/// fields, comment (6) is free text, the workflow, FreeSurfer, pickle, VoxBo, Caret, CIFTI, eval, MATLAB,
/// Quantiphyse and MRS blocks (12 to 44) can hold anything, and ignore (0) is private data. None of these can be
/// checked, so all are dropped. Only the MIND diffusion extensions whose payload is a few numbers stay, and
/// only when their bytes are those numbers in a plausible range followed by zero padding: b-value (20, one
/// float32), spherical direction (22, two float32 angles), DT component (24, up to four small int32 indices)
/// and SHC degree/order (26, two small int32). MIND_IDENT (18) is a string and is dropped.
/// </summary>
public static class NiftiExtensionCodes
{
    /// <summary>ecode to its registered name.</summary>
    public static IReadOnlyDictionary<int, string> Names { get; } = new Dictionary<int, string>
    {
        [0] = "ignore", [2] = "dicom", [4] = "afni", [6] = "comment", [8] = "xcede", [10] = "jimdiminfo", [12] = "workflow_fwds",
        [14] = "freesurfer", [16] = "pypickle", [18] = "mind_ident", [20] = "b_value", [22] = "spherical_direction",
        [24] = "dt_component", [26] = "shc_degreeorder", [28] = "voxbo", [30] = "caret", [32] = "cifti", [34] = "variable_frame_timing",
        [38] = "eval", [40] = "matlab", [42] = "quantiphyse", [44] = "mrs",
    };

    /// <summary>The extension's name for reports: "ecode 2 (dicom)", or "ecode N (unregistered)".</summary>
    public static string Describe(int code) => $"extension ecode {code} ({Names.GetValueOrDefault(code, "unregistered")})";

    /// <summary>True when the extension carries only numbers that cannot spell an identifier (see the type's summary).</summary>
    public static bool IsSafe(NiftiExtension extension, bool bigEndian)
    {
        ArgumentNullException.ThrowIfNull(extension);
        var data = extension.Data.Span;
        var (count, isFloat, limit) = extension.Code switch
        {
            20 => (1, true, 100_000.0),     // b-value, s/mm²
            22 => (2, true, 2 * Math.PI),   // azimuth and zenith, radians
            24 => (4, false, 8.0),          // indices of a tensor component
            26 => (2, false, 64.0),         // spherical harmonic degree and order
            _ => (0, false, 0.0),
        };
        if (count == 0 || data.Length < 4) return false;
        var used = Math.Min(count * 4, data.Length - data.Length % 4);
        for (var at = 0; at < used; at += 4)
        {
            var word = data.Slice(at, 4);
            double value = isFloat
                ? (bigEndian ? BinaryPrimitives.ReadSingleBigEndian(word) : BinaryPrimitives.ReadSingleLittleEndian(word))
                : (bigEndian ? BinaryPrimitives.ReadInt32BigEndian(word) : BinaryPrimitives.ReadInt32LittleEndian(word));
            if (!double.IsFinite(value) || Math.Abs(value) > limit) return false;
        }
        return !data[used..].ContainsAnyExcept((byte)0);
    }
}
