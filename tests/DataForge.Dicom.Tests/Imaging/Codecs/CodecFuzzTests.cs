using System.Diagnostics;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Dicom.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Imaging.Codecs;

/// <summary>
/// Truncated and bit-flipped codestreams of every codec end as decoded pixels or as a <see cref="DicomFormatException"/>
/// (a damaged item, with a reason) within a time bound: never another exception, a crash or a hang. Seeded, so every
/// run tries the same mutations.
/// </summary>
public class CodecFuzzTests
{
    private const int Mutations = 120;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Seeds() => new()
    {
        "pydicom/MR_small_jpeg_ls_lossless.dcm",
        "pydicom/MR_small_jp2klossless.dcm",
        "pydicom/JPEG2000.dcm",
        "pydicom/JPGExtended.dcm",
        "pydicom/SC_rgb_jpeg_dcmtk.dcm",
        "dcmcjpeg +e1",
        "dcmcjpls",
    };

    [SkippableTheory]
    [MemberData(nameof(Seeds))]
    public void Every_damaged_codestream_gives_pixels_or_a_DicomFormatException_within_a_time_bound(string seed)
    {
        var file = Load(seed);
        var fragments = (DicomFragmentSequence)file.Dataset.Get(DicomTags.PixelData)!;
        var codestream = fragments.Fragments[0];
        _ = DicomPixelData.Create(file).GetStoredValues(0);   // the intact one decodes
        var random = new Random(seed.Length * 7919 + codestream.Length);
        var outcomes = new Dictionary<string, int>();
        for (var n = 0; n < Mutations; n++)
        {
            var damaged = n % 3 == 0
                ? codestream[..random.Next(0, codestream.Length)]                      // truncated
                : Flip(codestream, random, 1 + random.Next(8));                        // bit flips
            var mutated = file.Dataset.Clone();
            mutated.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, [], [damaged]));
            var pixels = DicomPixelData.Create(mutated, file.TransferSyntax);
            var watch = Stopwatch.StartNew();
            var task = Task.Run(() =>
            {
                try { pixels.GetStoredValues(0); return "decoded"; }
                catch (DicomFormatException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                    return "refused";
                }
            });
            Assert.True(task.Wait(Bound), $"mutation {n} did not finish within {Bound.TotalSeconds} s");
            outcomes[task.Result] = outcomes.GetValueOrDefault(task.Result) + 1;
        }
        Assert.True(outcomes.GetValueOrDefault("refused") > 0, "no mutation was refused: the damage is not detected at all");
    }

    [SkippableTheory]
    [MemberData(nameof(Seeds))]
    public void A_damaged_codestream_read_from_a_file_is_refused_naming_its_frame_and_where_its_bytes_start(string seed)
    {
        var file = Load(seed);
        var codestream = ((DicomFragmentSequence)file.Dataset.Get(DicomTags.PixelData)!).Fragments[0];
        using var temp = new TempDirectory();
        var random = new Random(seed.Length * 104729 + codestream.Length);
        var refused = 0;
        for (var n = 0; n < 12; n++)
        {
            var damaged = n % 2 == 0 ? codestream[..(random.Next(4, codestream.Length) & ~1)] : Flip(codestream, random, 1 + random.Next(8));
            file.Dataset.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, [], [damaged]));
            var path = Path.Combine(temp.Path, $"damaged-{n}.dcm");
            file.Save(path);
            var bytes = File.ReadAllBytes(path);
            var pixels = DicomPixelData.Create(DicomReader.ReadFile(path));
            var task = Task.Run(() =>
            {
                try { pixels.GetStoredValues(0); return null; }
                catch (DicomFormatException e) { return e; }
            });
            Assert.True(task.Wait(Bound), $"mutation {n} did not finish within {Bound.TotalSeconds} s");
            if (task.Result is not { } error) continue;
            refused++;
            // The offset is where the frame's codestream starts in the file: its bytes are the damaged codestream's.
            var match = System.Text.RegularExpressions.Regex.Match(error.Reason, @"^frame 1 of 1 \(1 fragment\(s\), (\d+) bytes at byte (\d+) of the file\): ");
            Assert.True(match.Success, error.Reason);
            var length = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var offset = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(damaged.Length, length);
            Assert.Equal(offset, error.Offset);
            Assert.True(bytes.AsSpan(offset, length).SequenceEqual(damaged), $"byte {offset} is not where the codestream starts");
        }
        Assert.True(refused > 0, "no mutation was refused");
    }

    private static byte[] Flip(byte[] bytes, Random random, int flips)
    {
        var copy = (byte[])bytes.Clone();
        for (var i = 0; i < flips; i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private static DicomFile Load(string seed)
    {
        if (seed.StartsWith("pydicom/", StringComparison.Ordinal))
        {
            var path = OracleFiles.Resolve(seed);
            Skip.IfNot(File.Exists(path) || Oracle.IsCi, "python3-pydicom's test files are not installed");
            return DicomReader.ReadFile(path);
        }
        var parts = seed.Split(' ');
        var tool = Oracle.Require(parts[0]);
        using var temp = new TempDirectory();
        var original = Path.Combine(temp.Path, "native.dcm");
        var compressed = Path.Combine(temp.Path, "compressed.dcm");
        DicomFile.Create(SyntheticCompressionTests.Image(64, 48, 1, 12, false), SyntheticDatasets.SecondaryCaptureSopClass, "1.2.826.0.1.3680043.10.1.9").Save(original);
        Assert.Equal(0, Oracle.Run(tool, [.. parts[1..], original, compressed]).ExitCode);
        return DicomReader.ReadFile(compressed);
    }
}
