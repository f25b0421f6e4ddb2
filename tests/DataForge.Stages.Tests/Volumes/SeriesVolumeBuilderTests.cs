using System.Text.Json;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Volumes;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Volumes;

public sealed class SeriesVolumeBuilderTests : IDisposable
{
    private readonly SeriesFixture _corpus = new(slices: 6, matrix: 16);

    public void Dispose() => _corpus.Dispose();

    [SkippableTheory]
    [InlineData("CT")]
    [InlineData("MR")]
    public void A_synthetic_series_gives_the_volume_dcm2niix_gives(string modality) =>
        AssertSameAsDcm2niix(_corpus.SeriesFolder(modality));

    [SkippableFact]
    public void Non_square_slices_with_unequal_pixel_spacing_and_a_fractional_slope_give_the_volume_dcm2niix_gives()
    {
        // Rows != Columns and row spacing != column spacing catch a swapped axis; slope 0.5 takes the float32 path.
        var folder = _corpus.Root.Combine("edited");
        Directory.CreateDirectory(folder);
        foreach (var file in _corpus.Files("CT"))
        {
            var ds = file.Dataset;
            var pixels = ds.GetElement(DataForge.Dicom.DicomTags.PixelData)!.Span[..(10 * 16 * 2)].ToArray();
            ds.Add(DataForge.Dicom.DicomTags.Rows, (ushort)10);
            ds.Add(DataForge.Dicom.DicomTags.PixelSpacing, "2.5", "1.75");
            ds.Add(DataForge.Dicom.DicomTags.RescaleSlope, "0.5");
            ds.Add(DataForge.Dicom.DicomTags.PixelData, DataForge.Dicom.DicomVR.OW, pixels);
            file.Save(Path.Combine(folder, ds.GetString(DataForge.Dicom.DicomTags.SOPInstanceUID)!.Trim() + ".dcm"));
        }
        var volume = AssertSameAsDcm2niix(folder);
        Assert.Equal(VoxelType.Float32, volume.Type);
        Assert.Equal([16, 10, 6], volume.Shape.ToArray());
    }

    [SkippableTheory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small.dcm")]
    public void A_single_slice_of_pydicom_test_data_gives_the_volume_dcm2niix_gives(string name)
    {
        var source = TestData.PydicomFiles().FirstOrDefault(f => Path.GetFileName(f) == name);
        if (source is null)
        {
            Assert.False(Oracle.IsCi, $"{name} of python3-pydicom's test data is missing; CI=true makes a missing oracle a failure");
            Skip.If(true, $"{name} of python3-pydicom's test data is not installed");
        }
        var folder = _corpus.Root.Combine(Path.GetFileNameWithoutExtension(name));
        Directory.CreateDirectory(folder);
        File.Copy(source!, Path.Combine(folder, name));
        AssertSameAsDcm2niix(folder);
    }

    /// <summary>A series folder of pydicom's DICOMDIR test data copied with .dcm names, or a skip when it is not installed.</summary>
    private string PydicomSeries(string relative)
    {
        var source = Path.Combine("/usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests", relative);
        if (!Directory.Exists(source))
        {
            Assert.False(Oracle.IsCi, $"{relative} of python3-pydicom's test data is missing; CI=true makes a missing oracle a failure");
            Skip.If(true, $"{relative} of python3-pydicom's test data is not installed");
        }
        var folder = _corpus.Root.Combine(relative.Replace('/', '-'));
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file) + ".dcm"));
        return folder;
    }

    [SkippableFact]
    public void The_five_slice_ct_series_of_pydicom_test_data_gives_the_volume_dcm2niix_gives()
    {
        var volume = AssertSameAsDcm2niix(PydicomSeries("98892001/CT5N"));
        Assert.Equal([16, 16, 5], volume.Shape.ToArray());
    }

    [SkippableFact]
    public void The_mr_series_of_pydicom_test_data_holding_seven_orientations_gives_the_seven_volumes_dcm2niix_gives()
    {
        var dcm2niix = Oracle.Require("dcm2niix");
        var python = Oracle.RequirePython("nibabel", "numpy");
        var folder = PydicomSeries("98892003/MR700");
        var files = Directory.GetFiles(folder, "*.dcm").Order(StringComparer.Ordinal).Select(f => DataForge.Dicom.DicomFile.Open(f)).ToList();
        var built = SeriesVolumeBuilder.BuildAll(files);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"_o{i}"), built.Select(b => b.Suffix));
        var theirs = _corpus.Root.Combine("dcm2niix-mr700");
        Directory.CreateDirectory(theirs);
        var run = Oracle.Run(dcm2niix, ["-z", "n", "-b", "n", "-f", "%s_%r", "-o", theirs, folder]);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        var references = Directory.GetFiles(theirs, "*.nii").ToList();
        Assert.Equal(7, references.Count);
        // Each of our sub-series volumes is one of dcm2niix's, voxel for voxel and within 1e-4 mm, and no two are the same one.
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (suffix, result) in built)
        {
            Assert.False(result.IsFailure, result.FailureReason);
            var ours = _corpus.Root.Combine($"mr700{suffix}.nii");
            NiftiWriter.Write(result.Volume!, ours);
            var match = references.Where(reference =>
            {
                var compare = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "compare_nifti.py"), ours, reference]);
                Assert.True(compare.ExitCode == 0, compare.StandardError);
                var report = JsonDocument.Parse(compare.StandardOutput).RootElement;
                return report.GetProperty("values_equal").GetBoolean() && report.GetProperty("max_affine_difference").GetDouble() <= 1e-4;
            }).ToList();
            Assert.True(match.Count == 1, $"{suffix} matches {match.Count} of dcm2niix's volumes");
            Assert.True(matched.Add(match[0]), $"{suffix} matches a volume another sub-series matched");
        }
    }

    [SkippableFact]
    public void An_oblique_series_gives_the_volume_dcm2niix_gives()
    {
        // Rotate positions and direction cosines of the axial CT by 20 degrees about (1, 2, 3): a double-oblique stack.
        var (ax, ay, az) = (1 / Math.Sqrt(14), 2 / Math.Sqrt(14), 3 / Math.Sqrt(14));
        var (c, s) = (Math.Cos(20 * Math.PI / 180), Math.Sin(20 * Math.PI / 180));
        double[] Rotate(double x, double y, double z)
        {
            var dot = ax * x + ay * y + az * z;
            return [x * c + (ay * z - az * y) * s + ax * dot * (1 - c),
                    y * c + (az * x - ax * z) * s + ay * dot * (1 - c),
                    z * c + (ax * y - ay * x) * s + az * dot * (1 - c)];
        }
        string Ds(double v) => v.ToString("0.#########", System.Globalization.CultureInfo.InvariantCulture);
        var folder = _corpus.Root.Combine("oblique");
        Directory.CreateDirectory(folder);
        foreach (var file in _corpus.Files("CT"))
        {
            var ds = file.Dataset;
            double N(DataForge.Dicom.DicomTag tag, int i) => ds.GetNumber(tag, i)!.Value;
            var p = Rotate(N(DataForge.Dicom.DicomTags.ImagePositionPatient, 0), N(DataForge.Dicom.DicomTags.ImagePositionPatient, 1), N(DataForge.Dicom.DicomTags.ImagePositionPatient, 2));
            var o = Enumerable.Range(0, 6).Select(i => N(DataForge.Dicom.DicomTags.ImageOrientationPatient, i)).ToArray();
            var r = Rotate(o[0], o[1], o[2]).Concat(Rotate(o[3], o[4], o[5]));
            ds.Add(DataForge.Dicom.DicomTags.ImagePositionPatient, p.Select(Ds).ToArray());
            ds.Add(DataForge.Dicom.DicomTags.ImageOrientationPatient, r.Select(Ds).ToArray());
            file.Save(Path.Combine(folder, ds.GetString(DataForge.Dicom.DicomTags.SOPInstanceUID)!.Trim() + ".dcm"));
        }
        var volume = AssertSameAsDcm2niix(folder);
        Assert.True(Math.Abs(volume.Affine[0, 1]) > 1, "the affine should be oblique");
    }

    [SkippableFact]
    public void An_enhanced_multi_frame_instance_with_frames_out_of_order_gives_the_volume_dcm2niix_gives()
    {
        var folder = _corpus.Root.Combine("enhanced");
        Directory.CreateDirectory(folder);
        EnhancedSeries.From(_corpus.Files("MR")).Save(Path.Combine(folder, "enhanced.dcm"));
        var volume = AssertSameAsDcm2niix(folder);
        var single = SeriesVolumeBuilder.Build(_corpus.Files("MR")).Volume!;
        Assert.Equal(single.Affine, volume.Affine);
        Assert.True(single.Voxels<short>().SequenceEqual(volume.Voxels<short>()));
    }

    [Fact]
    public void A_multi_frame_instance_without_per_frame_functional_groups_fails_naming_them()
    {
        var file = EnhancedSeries.From(_corpus.Files("MR"));
        file.Dataset.Remove(DataForge.Dicom.DicomTags.PerFrameFunctionalGroupsSequence);
        var result = SeriesVolumeBuilder.Build([file]);
        Assert.True(result.IsFailure);
        Assert.Contains("Per-Frame Functional Groups Sequence (5200,9230)", result.FailureReason);
    }

    private Volume AssertSameAsDcm2niix(string folder)
    {
        var dcm2niix = Oracle.Require("dcm2niix");
        var python = Oracle.RequirePython("nibabel", "numpy");
        var files = Directory.GetFiles(folder, "*.dcm").Order(StringComparer.Ordinal).Select(f => DataForge.Dicom.DicomFile.Open(f)).ToList();
        var result = SeriesVolumeBuilder.Build(files);
        Assert.False(result.IsFailure, result.FailureReason);
        var ours = _corpus.Root.Combine($"{Path.GetFileName(folder)}.nii.gz");
        NiftiWriter.Write(result.Volume!, ours);

        var theirs = _corpus.Root.Combine("dcm2niix-" + Path.GetFileName(folder));
        Directory.CreateDirectory(theirs);
        var run = Oracle.Run(dcm2niix, ["-z", "n", "-f", "%s", "-o", theirs, folder]);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        var reference = Assert.Single(Directory.GetFiles(theirs, "*.nii"));

        var compare = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "compare_nifti.py"), ours, reference]);
        Assert.True(compare.ExitCode == 0, compare.StandardError);
        var report = JsonDocument.Parse(compare.StandardOutput).RootElement;
        Assert.Equal(report.GetProperty("shape_b").ToString(), report.GetProperty("shape_a").ToString());
        Assert.True(report.GetProperty("values_equal").GetBoolean(), compare.StandardOutput);
        Assert.True(report.GetProperty("max_affine_difference").GetDouble() <= 1e-4, compare.StandardOutput);
        Assert.Equal(1, report.GetProperty("sform_code_a").GetInt32());
        Assert.Equal(1, report.GetProperty("qform_code_a").GetInt32());
        return result.Volume!;
    }

    [Fact]
    public void Ct_stores_hounsfield_units_as_int16_with_identity_scaling()
    {
        var result = SeriesVolumeBuilder.Build(_corpus.Files("CT"));
        var volume = result.Volume!;
        Assert.Equal(VoxelType.Int16, volume.Type);
        Assert.True(volume.Scaling.IsIdentity);
        Assert.Equal([16, 16, 6], volume.Shape.ToArray());
        Assert.Contains(volume.Voxels<short>().ToArray(), v => v < -900);   // air, after the -1024 intercept
        Assert.Equal(SpatialUnit.Millimeter, volume.SpatialUnit);
        Assert.Equal(6, result.Report!.Slices);
        Assert.Equal(40, result.Report.SliceGap, 6);   // 240 mm coverage over 6 slices
    }

    [Fact]
    public void Axial_ct_affine_runs_along_left_posterior_in_ras_with_the_first_position_as_origin()
    {
        var files = _corpus.Files("CT");
        var volume = SeriesVolumeBuilder.Build(files).Volume!;
        var ipp = files.Select(f => Enumerable.Range(0, 3).Select(i => f.Dataset.GetNumber(DataForge.Dicom.DicomTags.ImagePositionPatient, i)!.Value).ToArray()).MinBy(p => p[2])!;
        var a = volume.Affine;
        Assert.Equal(-22.5, a[0, 0], 9);   // +i = patient left in LPS = -x in RAS; 360 mm / 16
        Assert.Equal(-22.5, a[1, 1], 9);
        Assert.Equal(40, a[2, 2], 9);
        Assert.Equal(-ipp[0], a[0, 3], 9);
        Assert.Equal(-ipp[1], a[1, 3], 9);
        Assert.Equal(ipp[2], a[2, 3], 9);
    }

    [Fact]
    public void The_order_of_the_files_does_not_change_the_volume()
    {
        var files = _corpus.Files("MR");
        var a = SeriesVolumeBuilder.Build(files).Volume!;
        files.Reverse();
        (files[1], files[3]) = (files[3], files[1]);
        var b = SeriesVolumeBuilder.Build(files).Volume!;
        Assert.True(a.Voxels<short>().SequenceEqual(b.Voxels<short>()));
        Assert.Equal(a.Affine, b.Affine);
    }

    [Fact]
    public void A_series_with_a_missing_slice_fails_as_unevenly_spaced()
    {
        var files = _corpus.Files("CT");
        files.RemoveAt(2);
        var result = SeriesVolumeBuilder.Build(files);
        Assert.True(result.IsFailure);
        Assert.Contains("uneven slice spacing", result.FailureReason);
        Assert.Contains("median of 40 mm", result.FailureReason);
    }

    [Fact]
    public void A_series_with_a_repeated_position_fails_naming_the_duplicate()
    {
        var files = _corpus.Files("MR");
        files.Add(files[3]);
        var result = SeriesVolumeBuilder.Build(files);
        Assert.True(result.IsFailure);
        Assert.Contains("1 slice(s) repeat a position", result.FailureReason);
    }

    [Fact]
    public void A_series_mixing_two_orientations_fails_asking_to_split_it()
    {
        var mixed = _corpus.Files("CT").Take(3).Concat(_corpus.Files("MR").Take(3)).ToList();
        var result = SeriesVolumeBuilder.Build(mixed);
        Assert.True(result.IsFailure);
        Assert.Contains("Image Orientation (Patient)", result.FailureReason);
    }
}
