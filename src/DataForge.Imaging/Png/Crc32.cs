namespace DataForge.Imaging.Png;

/// <summary>CRC-32 of ISO 3309 / ITU-T V.42 (PNG's chunk checksum; polynomial 0xEDB88320, reflected).</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>Continues a CRC (start with 0) over more bytes.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        var c = crc ^ 0xFFFFFFFFu;
        foreach (var b in bytes) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
