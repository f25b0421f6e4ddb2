using System.Text.Json;
using DataForge.Stages.Labels;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Labels;

public sealed class CocoPolygonTests
{
    private const int Height = 41, Width = 57;

    private static double[] Circle(double cx, double cy, double r, int n) =>
        Enumerable.Range(0, n).SelectMany(i => new[] { cx + r * Math.Cos(2 * Math.PI * i / n), cy + r * Math.Sin(2 * Math.PI * i / n) }).ToArray();

    /// <summary>Convex, concave, fractional, thin, many-sided, partly outside the image, and two parts of one object.</summary>
    private static readonly double[][][] Cases =
    [
        [[3.2, 4.7, 30.6, 9.1, 12.4, 35.8]],
        [[28, 2, 33, 15, 50, 15, 37, 24, 42, 39, 28, 29, 14, 39, 19, 24, 6, 15, 23, 15]],
        [[10.25, 10.75, 40.5, 10.75, 40.5, 11.6, 10.25, 11.6]],
        [Circle(30, 20, 13.3, 40)],
        [[-5, -3, 20, 5, 62, 30, 10, 48]],
        [[1, 1, 8, 1, 8, 8, 1, 8], [20.5, 30.5, 27.5, 30.5, 24, 38]],
    ];

    [Fact]
    public void An_axis_aligned_rectangle_with_integer_corners_covers_the_pixels_whose_centres_it_contains()
    {
        var mask = CocoPolygon.Mask([[2, 3, 12, 3, 12, 9, 2, 9]], Height, Width);
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
                Assert.Equal(x is >= 2 and < 12 && y is >= 3 and < 9 ? 1 : 0, mask[y * Width + x]);
    }

    [Fact]
    public void The_counts_cover_the_image_and_alternate_from_a_run_of_zeros()
    {
        foreach (var polygons in Cases)
            foreach (var polygon in polygons)
            {
                var counts = CocoPolygon.Counts(polygon, Height, Width);
                Assert.Equal((long)Height * Width, counts.Sum());
                Assert.All(counts.Skip(1), c => Assert.True(c > 0));
            }
    }

    [SkippableFact]
    public void Polygons_agree_with_pils_scanline_fill_except_on_pixels_the_outline_passes_through()
    {
        var python = Oracle.RequirePython("numpy", "PIL");
        var request = new
        {
            height = Height,
            width = Width,
            cases = Cases.Select(c => new { polygons = c, mask = CocoPolygon.Mask(c, Height, Width).Select(b => (int)b) }),
        };
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "coco_polygon.py")], standardInput: JsonSerializer.Serialize(request));
        Assert.True(run.ExitCode == 0, run.StandardError);
        var results = JsonDocument.Parse(run.StandardOutput).RootElement.EnumerateArray().ToList();
        Assert.Equal(Cases.Length, results.Count);
        foreach (var (result, n) in results.Select((r, n) => (r, n)))
        {
            // COCO keeps a pixel when its centre is inside (vertices rounded to a fifth of a pixel). PIL rounds the
            // vertices to whole pixels (up to 0.71 px away) and fills, besides the inside, every pixel its outline
            // (a line within half a pixel of the rounded edge) passes through. So they may differ only on pixels
            // within 0.71 + 0.5 = 1.21 px of the true outline, and a pixel that only COCO sets lies within the
            // vertex rounding of both (0.71 + 0.14) of it.
            Assert.True(result.GetProperty("max_distance").GetDouble() <= 1.21, $"case {n}: {result}");
            Assert.True(result.GetProperty("only_ours_max_distance").GetDouble() <= 0.85, $"case {n}: {result}");
            var area = result.GetProperty("area").GetInt32();
            Assert.True(area > 0, $"case {n} is empty");
        }
    }

    [Fact]
    public void A_real_coco_polygon_covers_about_the_area_its_file_gives()
    {
        // An annotation of COCO train2017 (image 391895, 640 x 360) as published, with the area COCO's tools wrote.
        double[] polygon = [239.97, 260.24, 222.04, 270.49, 199.84, 253.41, 213.5, 227.79, 259.62, 200.46, 274.13, 202.17,
            277.55, 210.71, 249.37, 253.41, 237.41, 264.51, 242.54, 261.95, 228.87, 271.34];
        const double area = 2765.14865;
        var pixels = CocoPolygon.Mask([polygon], 360, 640).Count(b => b != 0);
        // Counting pixel centres misjudges only pixels the outline crosses, each by less than its own area and
        // on both sides, so the count stays within half the outline's length (about 261 px here: 130) of the area.
        var perimeter = Enumerable.Range(0, polygon.Length / 2).Sum(i =>
        {
            var j = (i + 1) % (polygon.Length / 2);
            return Math.Sqrt(Math.Pow(polygon[2 * j] - polygon[2 * i], 2) + Math.Pow(polygon[2 * j + 1] - polygon[2 * i + 1], 2));
        });
        Assert.InRange(pixels, area - perimeter / 2, area + perimeter / 2);
    }

    [Fact]
    public void Overlapping_objects_of_two_classes_keep_the_earlier_class_and_are_reported()
    {
        LabelBox Square(int id, double x) => new() { Class = "c" + id, ClassId = id, Bbox = [x, 2, 6, 6], Area = 36, Polygons = [[x, 2, x + 6, 2, x + 6, 8, x, 8]] };
        var problems = new List<(string, string)>();
        var (labels, classes) = CocoMasks.Draw([Square(2, 1), Square(1, 4)], 12, 12, (c, m) => problems.Add((c, m)));
        Assert.Equal([1, 2], classes);
        // Columns 4..6 of rows 2..7 are claimed by both: 3 x 6 pixels, kept by class 2 (first in the file).
        var (check, message) = Assert.Single(problems);
        Assert.Equal("overlap", check);
        Assert.Contains("overlap in 18 pixels", message);
        Assert.Equal(2, labels[5 * 12 + 5]);
        Assert.Equal(1, labels[5 * 12 + 8]);
    }
}
