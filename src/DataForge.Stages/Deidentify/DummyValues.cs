using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>Dummy values for action D (PS3.15 E.1.1): non-empty and valid for the VR, carrying nothing.</summary>
public static class DummyValues
{
    private static readonly Dictionary<string, string> Text = new(StringComparer.Ordinal)
    {
        ["AE"] = "ANONYMOUS",
        ["AS"] = "000Y",
        ["CS"] = "ANONYMIZED",
        ["DA"] = "19000101",
        ["DS"] = "0",
        ["DT"] = "19000101000000",
        ["IS"] = "0",
        ["LO"] = "ANONYMIZED",
        ["LT"] = "ANONYMIZED",
        ["PN"] = "ANONYMIZED",
        ["SH"] = "ANONYMIZED",
        ["ST"] = "ANONYMIZED",
        ["TM"] = "000000",
        ["UC"] = "ANONYMIZED",
        ["UR"] = "urn:anonymized",
        ["UT"] = "ANONYMIZED",
    };

    /// <summary>The dummy person name.</summary>
    public static string PersonName => Text["PN"];

    /// <summary>Every dummy text.</summary>
    public static IEnumerable<string> Texts => Text.Values;

    /// <summary>A dummy element replacing <paramref name="original"/> (same tag and VR).</summary>
    public static DicomElement For(DicomElement original)
    {
        var vr = original.VR;
        if (Text.TryGetValue(vr.Code, out var text))
            return new DicomElement(original.Tag, vr, Padded(System.Text.Encoding.ASCII.GetBytes(text), vr.PaddingByte));
        // Binary values: zeros of the same length keep the VM; UN and other bytes become empty.
        return new DicomElement(original.Tag, vr, vr.IsBinaryNumber ? new byte[original.Length] : []);
    }

    /// <summary>An empty element (action Z).</summary>
    public static DicomElement Empty(DicomElement original) => new(original.Tag, original.VR, []);

    internal static byte[] Padded(byte[] bytes, byte padding)
    {
        if ((bytes.Length & 1) == 0) return bytes;
        var result = new byte[bytes.Length + 1];
        bytes.CopyTo(result, 0);
        result[^1] = padding;
        return result;
    }
}
