using System.Collections.Frozen;

namespace DataForge.Dicom.Dictionary;

/// <summary>
/// VRs of vendors' private elements, by private creator, group and element within the creator's block (PS3.5 7.8.1:
/// the block is wherever the creator's reservation put it). Generated from dcmtk's private tag dictionary
/// (PrivateDictionary.Generated.cs names the file, version and licence). Used only where the data does not say the
/// VR: implicit VR encodings, where a private element would otherwise be UN.
/// </summary>
public static partial class PrivateDictionary
{
    private static readonly Lazy<FrozenDictionary<(string Creator, ushort Group, byte Element), DicomVR>> Table = new(() =>
        Rows().ToFrozenDictionary(r => (r.Creator, r.Group, r.Element), r => DicomVR.Parse(r.VR)));

    /// <summary>Number of rows.</summary>
    public static int Count => Table.Value.Count;

    /// <summary>The VR of element <paramref name="element"/> (the low byte) of a creator's block in a group, or null when unknown.</summary>
    public static DicomVR? Find(string creator, ushort group, byte element) =>
        Table.Value.TryGetValue((creator.Trim(' ', '\0'), group, element), out var vr) ? vr : null;
}
