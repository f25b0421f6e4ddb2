using System.Security.Cryptography;
using System.Text.Json;

namespace DataForge.Dicom.Tests.Oracles;

/// <summary>
/// Compares a dataset read by DataForge with pydicom's canonical JSON (see pydicom_canonical.py): same tags in
/// the same order, same VRs, same decoded values, same sequence structure. Returns the differences found.
/// </summary>
public sealed class CanonicalComparer(bool bigEndian, bool implicitVR)
{
    private readonly List<string> _differences = [];

    public IReadOnlyList<string> Compare(JsonElement expected, DicomDataset actual)
    {
        CompareLevel(expected, actual, "");
        return _differences;
    }

    private void CompareLevel(JsonElement expected, DicomDataset actual, string path)
    {
        var ours = actual.ToList();
        var theirs = expected.EnumerateArray().ToList();
        var expectedTags = theirs.Select(e => e.GetProperty("tag").GetString()!).ToList();
        var actualTags = ours.Select(a => a.Tag.Value.ToString("x8")).ToList();
        if (!expectedTags.SequenceEqual(actualTags))
        {
            var missing = expectedTags.Except(actualTags).Take(5);
            var extra = actualTags.Except(expectedTags).Take(5);
            _differences.Add($"{path}: tags differ; missing [{string.Join(",", missing)}], extra [{string.Join(",", extra)}]");
            return;
        }
        for (var i = 0; i < ours.Count; i++) CompareElement(theirs[i], ours[i], actual, $"{path}{ours[i].Tag}");
        if (_differences.Count > 20) throw new InvalidOperationException(string.Join("\n", _differences));
    }

    private void CompareElement(JsonElement e, DicomAttribute a, DicomDataset owner, string path)
    {
        var vr = e.GetProperty("vr").GetString()!;
        // pydicom knows some private dictionaries; DataForge reads private elements of implicit VR data as UN
        // (PS3.5 A.1) and their bytes are then compared under pydicom's VR.
        var privateUN = implicitVR && a.Tag.IsPrivate && a.VR == DicomVR.UN && a is DicomElement && vr is not "SQ" and not "UN";
        if (privateUN) a = new DicomElement(a.Tag, DicomVR.Parse(vr), ((DicomElement)a).Span.ToArray());
        if (vr != a.VR.Code)
            _differences.Add($"{path}: VR {a.VR} but pydicom says {vr}");
        if (e.TryGetProperty("items", out var items))
        {
            if (a is not DicomSequence seq)
            {
                _differences.Add($"{path}: pydicom reads a sequence, DataForge a {a.GetType().Name}");
                return;
            }
            var list = items.EnumerateArray().ToList();
            if (list.Count != seq.Items.Count)
            {
                _differences.Add($"{path}: {seq.Items.Count} items but pydicom reads {list.Count}");
                return;
            }
            for (var i = 0; i < list.Count; i++) CompareLevel(list[i], seq.Items[i], $"{path}[{i}]");
        }
        else if (e.TryGetProperty("text", out var text))
        {
            var expected = text.EnumerateArray().Select(t => t.GetString()!).ToList();
            var actual = a is DicomElement el && el.Length > 0 ? DicomDataset.DecodeStrings(el, owner.CharacterSet).ToList() : [];
            if (!expected.SequenceEqual(actual))
                _differences.Add($"{path}: text [{string.Join("|", actual)}] but pydicom reads [{string.Join("|", expected)}]");
        }
        else if (e.TryGetProperty("numbers", out var numbers))
        {
            var expected = numbers.EnumerateArray().Select(n => n.ValueKind == JsonValueKind.String ? double.Parse(n.GetString()!.Replace("inf", "Infinity").Replace("nan", "NaN"), System.Globalization.CultureInfo.InvariantCulture) : n.GetDouble()).ToList();
            var el = (DicomElement)a;
            var actual = Enumerable.Range(0, el.BinaryCount)
                .Select(i => el.VR == DicomVR.AT ? (double)el.GetTag(i).Value : el.GetNumber(i)).ToList();
            if (!expected.SequenceEqual(actual))
                _differences.Add($"{path}: numbers [{string.Join(",", actual.Take(8))}] but pydicom reads [{string.Join(",", expected.Take(8))}]");
        }
        else
        {
            var bytes = FileBytes(a);
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var length = e.GetProperty("length").GetInt32();
            if (hash != e.GetProperty("sha256").GetString())
                _differences.Add($"{path}: value of {bytes.Length} bytes differs from pydicom's {length} bytes");
        }
    }

    /// <summary>The value as the file holds it: byte order restored for big endian, encapsulated items re-framed.</summary>
    private byte[] FileBytes(DicomAttribute a)
    {
        if (a is DicomElement e)
        {
            var data = e.Span.ToArray();
            if (bigEndian && e.VR.UnitSize > 1)
                for (var i = 0; i + e.VR.UnitSize <= data.Length; i += e.VR.UnitSize) Array.Reverse(data, i, e.VR.UnitSize);
            return data;
        }
        if (a is DicomFragmentSequence f)
        {
            // pydicom keeps encapsulated pixel data as the items' bytes (headers included), without the delimiter.
            var ms = new MemoryStream();
            foreach (var item in new[] { f.OffsetTable }.Concat(f.Fragments))
            {
                ms.Write([0xFE, 0xFF, 0x00, 0xE0]);
                ms.Write(BitConverter.GetBytes((uint)item.Length));
                ms.Write(item);
            }
            return ms.ToArray();
        }
        return [];
    }
}
