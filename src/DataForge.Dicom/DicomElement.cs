using System.Buffers.Binary;

namespace DataForge.Dicom;

/// <summary>
/// A data element with a value (PS3.5 7.1). The value is kept as bytes exactly as found in the file, with binary
/// numbers in little endian order whatever the transfer syntax, so that writing it again gives the same bytes.
/// </summary>
public sealed class DicomElement : DicomAttribute
{
    private readonly ReadOnlyMemory<byte> _data;

    public DicomElement(DicomTag tag, DicomVR vr, byte[] data) : this(tag, vr, new ReadOnlyMemory<byte>(data ?? throw new ArgumentNullException(nameof(data))))
    {
    }

    /// <summary>An element whose value is memory the caller will not change (e.g. a slice of a file read whole: no copy).</summary>
    public DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> data) : base(tag, vr)
    {
        if (vr == DicomVR.SQ) throw new ArgumentException("use DicomSequence for SQ", nameof(vr));
        _data = data;
    }

    /// <summary>The value bytes (little endian for binary numbers); not padded if the file was not.</summary>
    public ReadOnlySpan<byte> Span => _data.Span;

    /// <summary>The value bytes (little endian for binary numbers).</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>Value length in bytes as stored.</summary>
    public int Length => _data.Length;

    /// <summary>Number of binary values (Length / unit size) for number VRs; for AT, pairs of 16-bit words.</summary>
    public int BinaryCount => VR == DicomVR.AT ? _data.Length / 4 : VR.UnitSize > 0 ? _data.Length / VR.UnitSize : 0;

    /// <summary>Reads the i-th binary number as a double (US, SS, UL, SL, FL, FD, SV, UV, OW, OF, OD, OL, OV).</summary>
    public double GetNumber(int index)
    {
        var s = _data.Span;
        return VR.Code switch
        {
            "US" or "OW" => BinaryPrimitives.ReadUInt16LittleEndian(s[(index * 2)..]),
            "SS" => BinaryPrimitives.ReadInt16LittleEndian(s[(index * 2)..]),
            "UL" or "OL" => BinaryPrimitives.ReadUInt32LittleEndian(s[(index * 4)..]),
            "SL" => BinaryPrimitives.ReadInt32LittleEndian(s[(index * 4)..]),
            "FL" or "OF" => BinaryPrimitives.ReadSingleLittleEndian(s[(index * 4)..]),
            "FD" or "OD" => BinaryPrimitives.ReadDoubleLittleEndian(s[(index * 8)..]),
            "SV" => BinaryPrimitives.ReadInt64LittleEndian(s[(index * 8)..]),
            "UV" or "OV" => BinaryPrimitives.ReadUInt64LittleEndian(s[(index * 8)..]),
            _ => throw new InvalidOperationException($"{Tag} has VR {VR}, which holds no binary numbers"),
        };
    }

    /// <summary>Reads the i-th value of an AT element as a tag.</summary>
    public DicomTag GetTag(int index) =>
        new(BinaryPrimitives.ReadUInt16LittleEndian(_data.Span[(index * 4)..]), BinaryPrimitives.ReadUInt16LittleEndian(_data.Span[(index * 4 + 2)..]));
}
