namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// The JPEG lossless process (ITU-T T.81 Annex H, Process 14: Huffman-coded differences of a prediction) for the
/// selection values and point transforms no library here decodes correctly: JpegLibrary 0.4.32 gets selection values
/// 2, 3, 5, 6 and 7 wrong, libjpeg-turbo 2.1 has no lossless process, and GDCM's binding, which decodes them, crashed the
/// process on damaged codestreams (see the README's codec section). Only what Annex H needs: SOF3 frames, Huffman
/// tables, restart intervals that start on a line, one or more scans, components interleaved when each has one
/// sample per MCU. Samples are reconstructed modulo 2^16 and shifted left by the point transform (H.1.2.1, H.2.1).
/// Any damage ends in a <see cref="DicomFormatException"/> naming the byte offset; nothing reads past the codestream.
/// </summary>
internal static class LosslessJpegDecoder
{
    private sealed record Component(int Id, int H, int V);

    /// <summary>Decodes one frame's codestream to interleaved little endian samples of the geometry's Bits Allocated.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> data, FrameGeometry geometry)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8) throw Damaged(0, "no Start of Image marker");
        var tables = new HuffmanTable?[4];
        Component[]? components = null;
        ushort[][]? planes = null;
        int precision = 0, width = 0, height = 0, restart = 0;
        var i = 2;
        while (true)
        {
            if (i + 2 > data.Length) throw Damaged(i, "the codestream ends before its End of Image marker");
            if (data[i] != 0xFF) throw Damaged(i, "a marker was expected");
            var marker = data[i + 1];
            if (marker == 0xFF) { i++; continue; }
            if (marker == 0xD9) break;
            if (i + 4 > data.Length) throw Damaged(i, "the codestream ends inside a marker segment");
            var length = data[i + 2] << 8 | data[i + 3];
            if (length < 2 || i + 2 + length > data.Length) throw Damaged(i, $"marker FF{marker:X2} has a length that runs past the codestream");
            var segment = data.Slice(i + 4, length - 2);
            switch (marker)
            {
                case 0xC3:
                    if (segment.Length < 6) throw Damaged(i, "the SOF3 segment is too short");
                    precision = segment[0];
                    height = segment[1] << 8 | segment[2];
                    width = segment[3] << 8 | segment[4];
                    var count = segment[5];
                    if (precision is < 2 or > 16 || width == 0 || height == 0 || count == 0 || segment.Length < 6 + 3 * count)
                        throw Damaged(i, "the SOF3 segment's precision, size or components are not valid");
                    components = new Component[count];
                    for (var c = 0; c < count; c++)
                        components[c] = new Component(segment[6 + 3 * c], segment[7 + 3 * c] >> 4, segment[7 + 3 * c] & 0x0F);
                    if (components.Any(k => k.H != components[0].H || k.V != components[0].V))
                        throw new NotSupportedException("JPEG Lossless with subsampled components is not decoded");
                    geometry.Check("JPEG", width, height, count, precision);
                    planes = components.Select(_ => new ushort[width * height]).ToArray();
                    break;
                case 0xC4:
                    ReadHuffmanTables(segment, i, tables);
                    break;
                case 0xDD:
                    if (segment.Length < 2) throw Damaged(i, "the DRI segment is too short");
                    restart = segment[0] << 8 | segment[1];
                    break;
                case 0xDA:
                    if (components is null || planes is null) throw Damaged(i, "a scan comes before the frame header");
                    i = Scan(data, i + 2 + length, segment, i, components, planes, tables, precision, width, height, restart);
                    continue;
                case >= 0xC0 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC):
                    throw new NotSupportedException($"JPEG process of marker FF{marker:X2} is not the lossless Huffman process this decoder reads");
            }
            i += 2 + length;
        }
        if (planes is null) throw Damaged(i, "the codestream has no frame");
        return Interleave(planes, geometry);
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> segment, int at, HuffmanTable?[] tables)
    {
        var p = 0;
        while (p < segment.Length)
        {
            if (p + 17 > segment.Length) throw Damaged(at, "a Huffman table is cut short");
            var cls = segment[p] >> 4;
            var id = segment[p] & 0x0F;
            if (id > 3) throw Damaged(at, $"Huffman table id {id} is out of range");
            var counts = segment.Slice(p + 1, 16).ToArray();
            var total = counts.Sum(c => (int)c);
            if (p + 17 + total > segment.Length) throw Damaged(at, "a Huffman table's values are cut short");
            // Lossless scans use the DC tables (class 0); AC tables are read past.
            if (cls == 0) tables[id] = new HuffmanTable(counts, segment.Slice(p + 17, total).ToArray(), at);
            p += 17 + total;
        }
    }

    /// <summary>Decodes one scan into the planes; returns the offset just after its entropy-coded data.</summary>
    private static int Scan(ReadOnlySpan<byte> data, int start, ReadOnlySpan<byte> header, int at, Component[] components, ushort[][] planes,
        HuffmanTable?[] tables, int precision, int width, int height, int restart)
    {
        if (header.Length < 1) throw Damaged(at, "the SOS segment is too short");
        var count = header[0];
        if (count == 0 || header.Length < 1 + 2 * count + 3) throw Damaged(at, "the SOS segment is too short for its components");
        var index = new int[count];
        var table = new HuffmanTable[count];
        for (var s = 0; s < count; s++)
        {
            var id = header[1 + 2 * s];
            var c = Array.FindIndex(components, k => k.Id == id);
            if (c < 0) throw Damaged(at, "a scan names a component the frame does not have");
            index[s] = c;
            table[s] = tables[header[2 + 2 * s] >> 4] ?? throw Damaged(at, "a scan uses a Huffman table that was not defined");
        }
        var predictor = header[1 + 2 * count];
        var pointTransform = header[3 + 2 * count] & 0x0F;
        if (predictor is < 1 or > 7) throw Damaged(at, $"selection value {predictor} is not a lossless predictor (1 to 7)");
        if (pointTransform >= precision) throw Damaged(at, $"point transform {pointTransform} is not below the precision {precision}");
        var reader = new BitReader(data, start);
        var initial = 1 << (precision - pointTransform - 1);
        var sinceRestart = 0;
        var firstLine = true;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (restart > 0 && sinceRestart == restart)
                {
                    // T.81 H.1.2.1: after a restart the prediction starts again as on the first line.
                    if (x != 0) throw new NotSupportedException("JPEG Lossless with a restart interval that does not start a line is not decoded");
                    reader.Restart();
                    sinceRestart = 0;
                    firstLine = true;
                }
                for (var s = 0; s < count; s++)
                {
                    var plane = planes[index[s]];
                    var p = y * width + x;
                    int prediction;
                    if (firstLine) prediction = x == 0 ? initial : plane[p - 1];
                    else if (x == 0) prediction = plane[p - width];
                    else
                    {
                        int a = plane[p - 1], b = plane[p - width], c = plane[p - width - 1];
                        prediction = predictor switch
                        {
                            1 => a,
                            2 => b,
                            3 => c,
                            4 => a + b - c,
                            5 => a + ((b - c) >> 1),
                            6 => b + ((a - c) >> 1),
                            _ => (a + b) >> 1,
                        };
                    }
                    plane[p] = (ushort)(prediction + reader.Difference(table[s]));
                }
                sinceRestart++;
            }
            firstLine = false;
        }
        if (pointTransform > 0)
            foreach (var s in index)
            {
                var plane = planes[s];
                for (var p = 0; p < plane.Length; p++) plane[p] = (ushort)(plane[p] << pointTransform);
            }
        return reader.End();
    }

    private static byte[] Interleave(ushort[][] planes, FrameGeometry geometry)
    {
        var size = geometry.BitsAllocated / 8;
        var samples = planes.Length;
        var output = new byte[geometry.FrameBytes];
        for (var c = 0; c < samples; c++)
        {
            var plane = planes[c];
            for (var p = 0; p < plane.Length; p++)
            {
                var o = (p * samples + c) * size;
                if (o + size > output.Length) break;
                output[o] = (byte)plane[p];
                if (size == 2) output[o + 1] = (byte)(plane[p] >> 8);
            }
        }
        return output;
    }

    private static DicomFormatException Damaged(int offset, string problem) =>
        new($"the JPEG Lossless codestream is damaged or truncated at byte {offset}: {problem}", tag: DicomTags.PixelData);

    /// <summary>A DC Huffman table (T.81 C and F.2.2.3: codes by length, decoded with the MAXCODE/VALPTR arrays).</summary>
    private sealed class HuffmanTable
    {
        private readonly int[] _maxCode = new int[18];
        private readonly int[] _valPtr = new int[17];
        private readonly int[] _minCode = new int[17];
        private readonly byte[] _values;

        public HuffmanTable(byte[] counts, byte[] values, int at)
        {
            _values = values;
            int code = 0, k = 0;
            for (var length = 1; length <= 16; length++)
            {
                _valPtr[length] = k;
                _minCode[length] = code;
                code += counts[length - 1];
                k += counts[length - 1];
                _maxCode[length] = counts[length - 1] == 0 ? -1 : code - 1;
                if (code > 1 << length) throw Damaged(at, "a Huffman table has more codes than its lengths allow");
                code <<= 1;
            }
            _maxCode[17] = int.MaxValue;
        }

        public int Decode(ref BitReader reader)
        {
            var code = 0;
            for (var length = 1; length <= 16; length++)
            {
                code = code << 1 | reader.Bit();
                if (_maxCode[length] >= 0 && code <= _maxCode[length])
                    return _values[_valPtr[length] + code - _minCode[length]];
            }
            throw Damaged(reader.Offset, "a Huffman code matches no value of its table");
        }
    }

    /// <summary>Bits of an entropy-coded segment: FF00 is a data FF; any other marker ends the bits (zeros are read past it).</summary>
    private ref struct BitReader(ReadOnlySpan<byte> data, int start)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position = start;
        private int _buffer;
        private int _bits;
        private bool _atMarker;
        private int _padding;

        public readonly int Offset => _position;

        public int Bit()
        {
            if (_bits == 0) Fill();
            _bits--;
            return (_buffer >> _bits) & 1;
        }

        private void Fill()
        {
            if (_atMarker || _position >= _data.Length)
            {
                // Past a marker: a decoder may look a few bytes ahead of the last code; more than that, the scan is cut short.
                if (_position >= _data.Length || (_padding += 8) > 32) throw Damaged(_position, "the scan's data ends early");
                _buffer = 0;
                _bits = 8;
                return;
            }
            var b = _data[_position];
            if (b == 0xFF)
            {
                if (_position + 1 >= _data.Length) throw Damaged(_position, "the scan's data ends early");
                var next = _data[_position + 1];
                if (next == 0x00) _position += 2;
                else
                {
                    _atMarker = true;
                    _buffer = 0;
                    _bits = 8;
                    return;
                }
            }
            else _position++;
            _buffer = b;
            _bits = 8;
        }

        /// <summary>A difference (T.81 H.1.2.2): its magnitude category from the table, then that many bits; category 16 is 32768.</summary>
        public int Difference(HuffmanTable table)
        {
            var category = table.Decode(ref this);
            if (category == 0) return 0;
            if (category == 16) return 32768;
            if (category > 16) throw Damaged(_position, $"difference category {category} is above 16");
            var value = 0;
            for (var k = 0; k < category; k++) value = value << 1 | Bit();
            // Extend (T.81 F.2.2.1): a value whose top bit is clear is negative.
            return value < 1 << (category - 1) ? value - (1 << category) + 1 : value;
        }

        /// <summary>Skips to the restart marker (bits to the byte end are padding), and past it.</summary>
        public void Restart()
        {
            _bits = 0;
            while (_position + 1 < _data.Length && !(_data[_position] == 0xFF && _data[_position + 1] is >= 0xD0 and <= 0xD7)) _position++;
            if (_position + 1 >= _data.Length) throw Damaged(_position, "a restart marker is missing");
            _position += 2;
            _atMarker = false;
            _padding = 0;
        }

        /// <summary>The offset of the marker after the scan.</summary>
        public readonly int End()
        {
            var p = _position;
            while (p + 1 < _data.Length && !(_data[p] == 0xFF && _data[p + 1] is not 0x00 and not (>= 0xD0 and <= 0xD7))) p++;
            return p;
        }
    }
}
