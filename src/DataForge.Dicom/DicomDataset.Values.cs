using System.Globalization;
using System.Text;

namespace DataForge.Dicom;

public sealed partial class DicomDataset
{
    /// <summary>
    /// The whole text value of an element decoded with the character set in force, trailing padding removed;
    /// null when absent or empty. Multiple values keep their backslash separators.
    /// </summary>
    public string? GetString(DicomTag tag)
    {
        if (GetElement(tag) is not { } e || e.Length == 0) return null;
        var values = GetStrings(tag);
        return string.Join('\\', values);
    }

    /// <summary>The text values of an element (PS3.5 6.4 backslash-separated), each trimmed as its VR allows; empty when absent.</summary>
    public IReadOnlyList<string> GetStrings(DicomTag tag)
    {
        if (GetElement(tag) is not { } e || e.Length == 0) return [];
        return DecodeStrings(e, CharacterSet);
    }

    /// <summary>Decodes the text values of an element with a given character set.</summary>
    public static IReadOnlyList<string> DecodeStrings(DicomElement e, Text.DicomCharacterSet characterSet)
    {
        var vr = e.VR;
        string text = vr.UsesSpecificCharacterSet
            ? characterSet.Decode(e.Span, vr == DicomVR.PN)
            : Encoding.Latin1.GetString(e.Span);
        if (!vr.IsMultiValued) return [TrimValue(text, vr)];
        var parts = text.Split('\\');
        for (var i = 0; i < parts.Length; i++) parts[i] = TrimValue(parts[i], vr);
        return parts;
    }

    /// <summary>PS3.5 6.2: leading spaces are insignificant for most text VRs, trailing spaces (NUL for UI) for all but UT/UR leading.</summary>
    private static string TrimValue(string value, DicomVR vr)
    {
        if (vr == DicomVR.UI) return value.TrimEnd('\0', ' ');
        if (vr == DicomVR.UT || vr == DicomVR.ST || vr == DicomVR.LT || vr == DicomVR.UR || vr == DicomVR.UC)
            return value.TrimEnd(' ', '\0');
        return value.Trim(' ', '\0');
    }

    internal static IReadOnlyList<string> DecodeAscii(ReadOnlySpan<byte> bytes, bool multi)
    {
        var text = Encoding.Latin1.GetString(bytes);
        return multi ? text.Split('\\').Select(s => s.Trim(' ', '\0')).ToArray() : [text.Trim(' ', '\0')];
    }

    /// <summary>Value i as a double: binary numbers, DS and IS; null when absent, empty or not a number.</summary>
    public double? GetNumber(DicomTag tag, int index = 0)
    {
        if (GetElement(tag) is not { } e) return null;
        if (e.VR.IsBinaryNumber && e.VR != DicomVR.AT)
            return index < e.BinaryCount ? e.GetNumber(index) : null;
        if (e.VR == DicomVR.DS || e.VR == DicomVR.IS)
        {
            var values = GetStrings(tag);
            return index < values.Count && double.TryParse(values[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d : null;
        }
        return null;
    }

    /// <summary>Value i as an integer (binary or IS); null when absent or not an integer.</summary>
    public long? GetInteger(DicomTag tag, int index = 0) =>
        GetNumber(tag, index) is { } d && d == Math.Floor(d) && d >= long.MinValue && d <= long.MaxValue ? (long)d : null;

    /// <summary>Every binary value of a number element as doubles; empty when absent.</summary>
    public double[] GetNumbers(DicomTag tag)
    {
        if (GetElement(tag) is not { } e || !e.VR.IsBinaryNumber || e.VR == DicomVR.AT) return [];
        var result = new double[e.BinaryCount];
        for (var i = 0; i < result.Length; i++) result[i] = e.GetNumber(i);
        return result;
    }

    /// <summary>The private creator (PS3.5 7.8.1) that reserved the block of a private tag, or null.</summary>
    public string? GetPrivateCreator(DicomTag tag) =>
        tag.IsPrivate && !tag.IsPrivateCreator && tag.Element >= 0x1000 ? GetString(tag.PrivateCreatorTag) : null;
}
