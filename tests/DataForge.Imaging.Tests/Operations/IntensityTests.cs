using System.Text.Json;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;
using DataForge.Imaging.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Imaging.Tests.Operations;

/// <summary>Window, clip, normalisation and discretisation against their formulas on known arrays.</summary>
public sealed class IntensityTests
{
    private static Volume Of(params float[] values) => new([values.Length, 1, 1], values, Affine.Identity);

    [Fact]
    public void A_window_clips_to_center_plus_minus_half_width_and_can_rescale_to_0_1()
    {
        var ct = Of(-1000, -160, 40, 240, 3000) with { };
        Assert.Equal(new float[] { -160, -160, 40, 240, 240 }, new Window(Center: 40, Width: 400).Apply(ct).ToSingles());
        Assert.Equal(new float[] { 0, 0, 0.5f, 1, 1 }, new Window(Min: -160, Max: 240, Rescale: true).Apply(ct).ToSingles());
        Assert.Throws<ImagingException>(() => new Window(Center: 40).Apply(ct));
    }

    [Fact]
    public void Stored_values_are_scaled_before_any_intensity_operation()
    {
        var stored = new Volume([3, 1, 1], new short[] { 0, 10, 20 }, Affine.Identity) with { Scaling = new IntensityScaling(2, -1000) };
        var windowed = new Window(Min: -990, Max: -965).Apply(stored);
        Assert.Equal(new float[] { -990, -980, -965 }, windowed.ToSingles());
        Assert.Same(VoxelType.Float32, windowed.Type);
        Assert.True(windowed.Scaling.IsIdentity);
    }

    [Fact]
    public void Minmax_maps_the_masked_range_to_0_1()
    {
        var v = Of(2, 4, 6, 10);
        Assert.Equal(new float[] { 0, 0.25f, 0.5f, 1 }, new Normalise("minmax").Apply(v).ToSingles());
    }

    [Theory]
    [InlineData(MaskKind.All)]
    [InlineData(MaskKind.Foreground)]
    [InlineData(MaskKind.Label)]
    public void Zscore_gives_mean_0_and_std_1_over_its_mask(MaskKind kind)
    {
        var random = new Random(31);
        var values = Enumerable.Range(0, 1000).Select(i => (float)(i < 400 ? random.NextDouble() * 5 : 100 + random.NextDouble() * 40)).ToArray();
        var labels = new Volume([1000, 1, 1], values.Select((_, i) => (byte)(i % 3 == 0 ? 1 : 0)).ToArray(), Affine.Identity);
        var mask = new IntensityMask(kind, kind == MaskKind.Label ? labels : null, kind == MaskKind.Label ? 1 : null);
        var result = new Normalise("zscore", mask).Apply(Of(values)).ToSingles();
        var mean = values.Average();
        var inMask = Enumerable.Range(0, values.Length).Where(i => kind switch
        {
            MaskKind.All => true,
            MaskKind.Foreground => values[i] > mean,
            _ => i % 3 == 0,
        }).ToList();
        var selected = inMask.Select(i => (double)result[i]).ToList();
        var m = selected.Average();
        var s = Math.Sqrt(selected.Select(x => (x - m) * (x - m)).Average());
        Assert.Equal(0, m, 4);
        Assert.Equal(1, s, 4);
        // The map is one affine function applied to every voxel.
        var slope = (result[1] - result[0]) / (values[1] - values[0]);
        Assert.Equal(result[0] + slope * (values[999] - values[0]), result[999], 2);
    }

    [Fact]
    public void Sigma3_clips_to_three_standard_deviations_around_the_mean()
    {
        var values = Enumerable.Repeat(0f, 99).Append(1000f).ToArray();
        var mean = 10.0;
        var std = Math.Sqrt((99 * 100.0 + 990.0 * 990.0) / 100);
        var result = new Normalise("sigma3").Apply(Of(values)).ToSingles();
        Assert.Equal((float)(mean + 3 * std), result[99]);
        Assert.Equal(0f, result[0]);
    }

    [Fact]
    public void Whitestripe_finds_the_white_matter_peak_and_zscores_with_the_stripe()
    {
        // A T1-like brain: CSF ~ 30, grey matter ~ 70 (most voxels), white matter ~ 110.
        var random = new Random(7);
        float Normal(double mean, double sd) => (float)(mean + sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        var values = Enumerable.Range(0, 60000).Select(i => i % 6 == 0 ? Normal(30, 5) : i % 6 < 4 ? Normal(70, 6) : Normal(110, 5)).ToArray();
        var t1 = WhiteStripe.Find(values, 0.05, TissueContrast.T1);
        Assert.InRange(t1.Mode, 106, 114);
        var t2 = WhiteStripe.Find(values, 0.05, TissueContrast.T2);
        Assert.InRange(t2.Mode, 66, 74); // T2's rule takes the largest peak
        // The stripe by its definition, recomputed here: values strictly between the quantiles q -+ 0.05.
        var sorted = values.OrderBy(v => v).ToArray();
        var q = sorted.Count(v => v < t1.Mode) / (double)sorted.Length;
        double Quantile(double p) => sorted[(int)Math.Floor(p * (sorted.Length - 1))] + (sorted[Math.Min((int)Math.Floor(p * (sorted.Length - 1)) + 1, sorted.Length - 1)] - (double)sorted[(int)Math.Floor(p * (sorted.Length - 1))]) * (p * (sorted.Length - 1) - Math.Floor(p * (sorted.Length - 1)));
        var stripe = values.Where(v => v > Quantile(q - 0.05) && v < Quantile(q + 0.05)).Select(v => (double)v).ToList();
        var mean = stripe.Average();
        var std = Math.Sqrt(stripe.Select(v => (v - mean) * (v - mean)).Average());
        Assert.Equal(stripe.Count, t1.Count);
        Assert.Equal(mean, t1.Mean, 6);
        var normalised = new Normalise("whitestripe").Apply(Of(values)).ToSingles();
        for (var i = 0; i < 100; i++) Assert.Equal((float)((values[i] - mean) / std), normalised[i], 4);
    }

    [Fact]
    public void Nyul_maps_each_training_volumes_landmarks_onto_the_standard_scale()
    {
        var random = new Random(17);
        var training = Enumerable.Range(0, 4).Select(n =>
        {
            var gain = 0.5 + n;
            var offset = 20.0 * n;
            var values = Enumerable.Range(0, 5000).Select(i => i < 1000 ? 0f : (float)(offset + gain * (50 + 100 * Math.Pow(random.NextDouble(), 1 + n * 0.3)))).ToArray();
            return Of(values);
        }).ToList();
        var landmarks = NyulLandmarks.Learn(training);
        Assert.Equal(4, landmarks.TrainingCount);
        Assert.Equal(1, landmarks.Standard[0], 9);
        Assert.Equal(100, landmarks.Standard[^1], 9);
        foreach (var volume in training)
        {
            var mapped = new Normalise("nyul", Landmarks: landmarks).Apply(volume);
            // The landmarks of the mapped values, over the same (foreground) voxels, fall on the standard scale.
            var values = volume.ToSingles();
            var mean = values.Average(v => (double)v);
            var foreground = new Volume(volume.Shape, values.Select(v => (byte)(v > mean ? 1 : 0)).ToArray(), Affine.Identity);
            var sorted = Statistics.Sorted(new IntensityMask(MaskKind.Label, foreground).Select(mapped, mapped.ToSingles()));
            var mappedLandmarks = landmarks.Percentiles.Select(p => Statistics.Percentile(sorted, p)).ToArray();
            for (var i = 0; i < mappedLandmarks.Length; i++)
                Assert.Equal(landmarks.Standard[i], mappedLandmarks[i], 2);
        }
        var json = landmarks.ToJson();
        Assert.Equal(landmarks, NyulLandmarks.FromJson(json));
        Assert.Throws<ImagingException>(() => new Normalise("nyul").Apply(training[0]));
    }

    [Fact]
    public void Discretisation_follows_the_fixed_bin_count_and_fixed_bin_width_formulas()
    {
        var v = Of(-1, 0, 1.5f, 2.4f, 2.5f, 9);
        // Count 4 over [-1, 9]: floor(4 (x + 1) / 10) + 1, the maximum in bin 4.
        Assert.Equal(new float[] { 1, 1, 2, 2, 2, 4 }, new Discretise(BinCount: 4).Apply(v).ToSingles());
        // Width 2.5: floor(x / 2.5) - floor(-1 / 2.5) + 1.
        Assert.Equal(new float[] { 1, 2, 2, 2, 3, 5 }, new Discretise(BinWidth: 2.5).Apply(v).ToSingles());
        Assert.Same(VoxelType.Int16, new Discretise(BinCount: 4).Apply(v).Type);
        Assert.Throws<ImagingException>(() => new Discretise(4, 2.5).Apply(v));
    }

    [SkippableFact]
    public void Percentiles_mean_and_std_match_numpy()
    {
        Oracle.RequirePython("nibabel", "numpy");
        using var temp = new TempDirectory("stats");
        var volume = SampleVolumes.Random(VoxelType.Float32, [13, 11, 7], new Random(41));
        var path = temp.Combine("v.nii");
        NiftiWriter.Write(volume, path);
        using var doc = JsonDocument.Parse(Nibabel.Run("stats", path, "0", "1", "2.5", "50", "99", "100"));
        var sorted = Statistics.Sorted(volume.ToSingles());
        var expected = doc.RootElement.GetProperty("percentiles").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double[] ps = [0, 1, 2.5, 50, 99, 100];
        for (var i = 0; i < ps.Length; i++)
            Assert.Equal(expected[i], Statistics.Percentile(sorted, ps[i]), 9);
        var (mean, std) = Statistics.MeanStd(volume.ToSingles());
        Assert.Equal(doc.RootElement.GetProperty("mean").GetDouble(), mean, 9);
        Assert.Equal(doc.RootElement.GetProperty("std").GetDouble(), std, 9);
        var clipped = new ClipPercentiles(1, 99).Apply(volume).ToSingles();
        Assert.Equal((float)expected[1], clipped.Min());
        Assert.Equal((float)expected[4], clipped.Max());
    }

    [Fact]
    public void The_normalisation_methods_are_a_table_and_unknown_names_are_refused()
    {
        Assert.Equal(new[] { "minmax", "zscore", "sigma3", "whitestripe", "nyul" }, NormalisationMethod.All.Select(m => m.Name));
        Assert.True(NormalisationMethod.Get("nyul").IsLearnt);
        var e = Assert.Throws<ImagingException>(() => new Normalise("histogram").Apply(Of(1, 2)));
        Assert.Contains("zscore", e.Message);
    }
}
