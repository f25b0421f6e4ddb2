using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Layouts;
using Xunit.Abstractions;

namespace DataForge.Stages.Tests.Layouts;

public sealed class CaseLabelsTests(ITestOutputHelper output)
{
    private sealed class BytesItem(byte[] bytes) : StageItem
    {
        public override ContentHash Hash { get; } = ContentHash.Of(bytes);
        public override long Size => bytes.Length;
        public override string? Path => null;
        public override JsonElement Metadata { get; } = JsonDocument.Parse("{}").RootElement.Clone();
        public override Stream OpenRead() => new MemoryStream(bytes, writable: false);
        public override byte[] ReadAllBytes() => bytes;
    }

    [Fact]
    public void Merging_two_uint8_masks_allocates_a_few_bytes_per_voxel()
    {
        int[] shape = [256, 256, 64];
        var n = shape[0] * shape[1] * shape[2];
        var organ = new byte[n];
        var tumour = new byte[n];
        for (var i = 0; i < n; i++)
        {
            organ[i] = (byte)(i % 7 < 4 ? 2 : 0);
            tumour[i] = (byte)(i % 5 == 0 ? 5 : 0);
        }
        var affine = Affine.Diagonal(-1, -1, 2);
        TrainingCase Case(Array a, Array b) => new("A_000", "A", "2.25.1", "CT", "train", null, new BytesItem([]))
        {
            Masks = [new CaseMask("organ", new BytesItem(NiftiWriter.Encode(new Volume(shape, a, affine), gzip: true))),
                     new CaseMask("tumour", new BytesItem(NiftiWriter.Encode(new Volume(shape, b, affine), gzip: true)))],
        };
        double Allocated(TrainingCase c, out CaseLabels labels)
        {
            CaseLabels.Merge(c, shape, affine); // warm-up
            var before = GC.GetAllocatedBytesForCurrentThread();
            labels = CaseLabels.Merge(c, shape, affine);
            return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / n;
        }

        var stored = Allocated(Case(organ, tumour), out var labels);
        // The same masks stored as float32 go through the float path (as any other voxel type or scaled mask would).
        var floats = Allocated(Case(Array.ConvertAll(organ, v => (float)v), Array.ConvertAll(tumour, v => (float)v)), out var same);
        output.WriteLine($"merge: {stored:0.00} bytes allocated per voxel for uint8 masks, {floats:0.00} for float32 masks");
        // Overlap: voxels with i % 7 < 4 and i % 5 == 0, counted by brute force here.
        Assert.Equal(Enumerable.Range(0, n).Count(i => i % 7 < 4 && i % 5 == 0), labels.Overlap);
        Assert.Equal(labels.Values, same.Values);
        // Two uint8 masks (1 byte each), the uint16 map and the overlap flags: 5 bytes a voxel, no float copy.
        Assert.True(stored < 6, $"{stored} bytes per voxel");
    }
}
