using System.Buffers.Binary;
using System.Diagnostics;
using DataForge.Dicom.IO;
using DataForge.Dicom.Tests.Oracles;
using Xunit;

namespace DataForge.Dicom.Tests.IO;

/// <summary>
/// Mutated valid files (random bytes, truncation, length fields set to extreme values) always give a dataset or a
/// <see cref="DicomFormatException"/>, quickly. Seeded, so every run tries the same mutations.
/// </summary>
public class FuzzTests
{
    private const int MutationsPerFile = 300;

    public static TheoryData<string> Seeds()
    {
        var data = new TheoryData<string>();
        foreach (var uid in new[] { "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99" })
            data.Add("synthetic:" + uid);
        foreach (var name in new[] { "pydicom/rtplan.dcm", "pydicom/MR_small_RLE.dcm", "pydicom/JPEG2000.dcm", "pydicom/nested_priv_SQ.dcm", "pydicom/image_dfl.dcm" })
            if (File.Exists(OracleFiles.Resolve(name))) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_mutation_gives_a_dataset_or_a_DicomFormatException_within_a_time_bound(string seed)
    {
        var original = seed.StartsWith("synthetic:", StringComparison.Ordinal)
            ? DicomFile.Create(SyntheticDatasets.Image(), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.3",
                DicomTransferSyntax.FromUid(seed["synthetic:".Length..])).ToBytes()
            : File.ReadAllBytes(OracleFiles.Resolve(seed));
        var random = new Random(StableHash(seed));
        // Read the unmutated file once first so that start-up (JIT, dictionary) is not charged to a mutation.
        _ = DicomReader.Read(original);
        for (var n = 0; n < MutationsPerFile; n++)
        {
            var bytes = Mutate(original, random);
            var clock = Stopwatch.StartNew();
            try
            {
                var file = DicomReader.Read(bytes, new DicomReadOptions { MaxInflatedBytes = 16 << 20 });
                // Whatever was read can be written again.
                _ = DicomWriter.Encode(file.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian);
            }
            catch (DicomFormatException e)
            {
                Assert.True(e.Offset >= -1, "offset missing");
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {n} of {seed}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
            // A hang guard, not a speed check: a mutation takes milliseconds; only a runaway loop reaches a minute.
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"mutation {n} of {seed} took {clock.Elapsed}");
        }
    }

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s) h = unchecked(h * 31 + c);
        return h;
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (var i = random.Next(1, 8); i > 0; i--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
                // A 32-bit field set to an extreme length (undefined, 4 GB, just past the end, odd).
                var at = random.Next(bytes.Length - 4) & ~1;
                uint[] lengths = [0xFFFFFFFF, 0xFFFFFFFE, (uint)bytes.Length, 0x7FFFFFFF, 1, 3];
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), lengths[random.Next(lengths.Length)]);
                return bytes;
            default:
                // A 16-bit field set to an extreme length.
                var at16 = random.Next(bytes.Length - 2) & ~1;
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at16), (ushort)(random.Next(2) == 0 ? 0xFFFF : 0xFFFE));
                return bytes;
        }
    }
}
