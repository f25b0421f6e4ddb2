using System.Buffers.Binary;

namespace DataForge.Dicom.IO;

/// <summary>
/// Buffered forward reader over a stream of known length, with the absolute position of every byte. It never
/// allocates more than the bytes that remain, so a corrupt length cannot cause a large allocation. Over bytes
/// already in memory it reads from them directly, and large values are slices of them (no copy).
/// </summary>
internal sealed class ByteSource
{
    /// <summary>Over memory, values of at least this many bytes (pixel data) are slices of it; smaller ones are copied.</summary>
    internal const int SliceAtLeast = 1024;

    private readonly Stream? _stream;
    private readonly bool _inMemory;
    private byte[] _buffer;
    private int _pos;
    private int _count;
    private long _bufferStart;

    public ByteSource(Stream stream, long length, long start, string? file, int bufferSize = 1 << 12)
    {
        _stream = stream;
        Length = length;
        _bufferStart = start;
        File = file;
        _buffer = new byte[(int)Math.Max(64, Math.Min(bufferSize, Math.Max(length - start, 64)))];
    }

    /// <summary>Over the first <paramref name="length"/> bytes of an array: the array is the buffer, so nothing is read or copied in advance.</summary>
    public ByteSource(byte[] bytes, int length, string? file)
    {
        _buffer = bytes;
        _count = length;
        Length = length;
        File = file;
        _inMemory = true;
    }

    /// <summary>Total length of the underlying data.</summary>
    public long Length { get; }

    /// <summary>The file name used in errors.</summary>
    public string? File { get; }

    /// <summary>Absolute position of the next byte.</summary>
    public long Position => _bufferStart + _pos;

    /// <summary>Bytes left before the end.</summary>
    public long Remaining => Length - Position;

    /// <summary>True when at least n more bytes exist.</summary>
    public bool Has(long n) => Remaining >= n;

    /// <summary>Makes n bytes available in the buffer (n small); false at end of data.</summary>
    private bool Fill(int n)
    {
        if (_count - _pos >= n) return true;
        if (Remaining < n || _inMemory) return false;
        if (_buffer.Length < n) Array.Resize(ref _buffer, Math.Max(n, _buffer.Length * 2));
        var keep = _count - _pos;
        Buffer.BlockCopy(_buffer, _pos, _buffer, 0, keep);
        _bufferStart += _pos;
        _pos = 0;
        _count = keep;
        while (_count < n)
        {
            var want = (int)Math.Min(_buffer.Length - _count, Length - (_bufferStart + _count));
            var read = _stream!.Read(_buffer, _count, want);
            if (read <= 0) return false;
            _count += read;
        }
        return true;
    }

    /// <summary>The next n bytes without consuming them; empty when fewer remain.</summary>
    public ReadOnlySpan<byte> Peek(int n) => Fill(n) ? _buffer.AsSpan(_pos, n) : [];

    public ushort ReadUInt16(bool bigEndian, DicomTag? tag)
    {
        var s = Take(2, tag);
        return bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
    }

    public uint ReadUInt32(bool bigEndian, DicomTag? tag)
    {
        var s = Take(4, tag);
        return bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
    }

    /// <summary>Consumes n buffered bytes (n small).</summary>
    public ReadOnlySpan<byte> Take(int n, DicomTag? tag)
    {
        if (!Fill(n)) throw Error($"unexpected end of data: {n} bytes needed, {Math.Max(0, Remaining)} remain", tag);
        var s = _buffer.AsSpan(_pos, n);
        _pos += n;
        return s;
    }

    /// <summary>Reads a value of n bytes into a new array; n must not exceed what remains.</summary>
    public byte[] ReadBytes(long n, DicomTag? tag)
    {
        if (n > Remaining)
            throw Error($"value length {n} goes past the end of the data ({Remaining} bytes remain)", tag);
        if (n > Array.MaxLength) throw Error($"value length {n} is too large to hold", tag);
        var result = new byte[n];
        var buffered = Math.Min(_count - _pos, (int)n);
        Buffer.BlockCopy(_buffer, _pos, result, 0, buffered);
        _pos += buffered;
        var done = buffered;
        if (done < n)
        {
            // Large values bypass the buffer: read straight into the result.
            _bufferStart += _count;
            _pos = 0;
            _count = 0;
            while (done < n)
            {
                var read = _stream!.Read(result, done, (int)n - done);
                if (read <= 0) throw Error("unexpected end of data inside a value", tag);
                done += read;
                _bufferStart += read;
            }
        }
        return result;
    }

    /// <summary>
    /// Reads a value of n bytes: over memory, a large value is a slice of the caller's array (which must then not
    /// change while the value is in use); otherwise a new array.
    /// </summary>
    public ReadOnlyMemory<byte> ReadValue(long n, DicomTag? tag)
    {
        if (!_inMemory || n < SliceAtLeast) return ReadBytes(n, tag);
        if (n > Remaining)
            throw Error($"value length {n} goes past the end of the data ({Remaining} bytes remain)", tag);
        var value = new ReadOnlyMemory<byte>(_buffer, _pos, (int)n);
        _pos += (int)n;
        return value;
    }

    /// <summary>Skips n bytes (seeking when possible).</summary>
    public void Skip(long n, DicomTag? tag)
    {
        if (n > Remaining) throw Error($"value length {n} goes past the end of the data ({Remaining} bytes remain)", tag);
        var buffered = Math.Min(_count - _pos, n);
        _pos += (int)buffered;
        n -= buffered;
        if (n == 0) return;
        _bufferStart += _count + n;
        _pos = 0;
        _count = 0;
        if (_stream!.CanSeek) _stream.Seek(_bufferStart, SeekOrigin.Begin);
        else
        {
            var sink = new byte[Math.Min(n, 1 << 16)];
            while (n > 0)
            {
                var read = _stream.Read(sink, 0, (int)Math.Min(sink.Length, n));
                if (read <= 0) throw Error("unexpected end of data while skipping", tag);
                n -= read;
            }
        }
    }

    public DicomFormatException Error(string reason, DicomTag? tag, long? at = null) =>
        new(reason, File, at ?? Position, tag);
}
