namespace DataForge.Dicom;

/// <summary>
/// Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table item followed by the fragments, each kept byte for
/// byte as read.
/// </summary>
public sealed class DicomFragmentSequence : DicomAttribute
{
    private readonly List<byte[]> _fragments = [];

    public DicomFragmentSequence(DicomTag tag, DicomVR vr, byte[] offsetTable, params IEnumerable<byte[]> fragments) : base(tag, vr)
    {
        ArgumentNullException.ThrowIfNull(offsetTable);
        OffsetTable = offsetTable;
        foreach (var f in fragments) _fragments.Add(f);
    }

    /// <summary>The value of the first item (the Basic Offset Table), possibly empty.</summary>
    public byte[] OffsetTable { get; }

    /// <summary>The value of every following item.</summary>
    public IReadOnlyList<byte[]> Fragments => _fragments;

    /// <summary>Appends a fragment.</summary>
    public void Add(byte[] fragment) => _fragments.Add(fragment);

    /// <summary>The Basic Offset Table as 32-bit offsets (PS3.5 A.4, Table A.4-1); empty when absent.</summary>
    public IReadOnlyList<uint> Offsets
    {
        get
        {
            var list = new uint[OffsetTable.Length / 4];
            for (var i = 0; i < list.Length; i++) list[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(OffsetTable.AsSpan(i * 4));
            return list;
        }
    }
}
