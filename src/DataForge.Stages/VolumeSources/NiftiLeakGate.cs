using System.Text;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.VolumeSources;

/// <summary>
/// The leak gate of a volume made from a NIfTI or Analyze source, as <see cref="LeakGate"/> is for DICOM:
/// none of the identifiers found in the source (subject and session labels, the sidecar's names, IDs and
/// dates) may appear, case ignored, in Latin-1 or UTF-8, in the output's header bytes (everything before
/// the voxel data), in its sidecar facts or in its path. Voxels are not searched: binary samples match
/// short texts by chance, and a NIfTI volume carries no burned-in text field.
/// </summary>
public static class NiftiLeakGate
{
    /// <summary>Null when clean; otherwise which part leaked and the identifier's length, never its value.</summary>
    public static string? Check(ReadOnlySpan<byte> header, ReadOnlySpan<byte> facts, string path, LeakCheck identifiers)
    {
        var parts = new (string Where, byte[] Upper)[]
        {
            ("the NIfTI header", Upper(header)),
            ("the sidecar facts", Upper(facts)),
            ("the output's path", Upper(Encoding.UTF8.GetBytes(path))),
        };
        foreach (var identifier in identifiers.Values.Concat(identifiers.NameParts))
        {
            if (identifier.Trim().Length == 0) continue;
            foreach (var needle in Needles(identifier))
                foreach (var (where, upper) in parts)
                    if (upper.AsSpan().IndexOf(needle) >= 0)
                        return $"leak gate: a source identifier ({identifier.Length} characters) appears in {where}";
        }
        return null;
    }

    private static IEnumerable<byte[]> Needles(string identifier) =>
        [Upper(Encoding.Latin1.GetBytes(identifier)), Upper(Encoding.UTF8.GetBytes(identifier))];

    private static byte[] Upper(ReadOnlySpan<byte> bytes)
    {
        var result = bytes.ToArray();
        for (var i = 0; i < result.Length; i++)
            if (result[i] is >= (byte)'a' and <= (byte)'z') result[i] -= 32;
        return result;
    }
}
