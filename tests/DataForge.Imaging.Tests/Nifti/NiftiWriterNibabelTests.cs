using DataForge.Imaging.Nifti;
using DataForge.Imaging.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Imaging.Tests.Nifti;

/// <summary>Files DataForge writes must load in nibabel with the same voxels, affines and header fields.</summary>
public sealed class NiftiWriterNibabelTests
{
    [SkippableFact]
    public void Volumes_DataForge_writes_load_in_nibabel_with_the_same_data_and_affines()
    {
        Oracle.RequirePython("nibabel", "numpy");
        using var temp = new TempDirectory("nifti-writer");
        var random = new Random(8);
        var written = new List<(string Path, Volume Volume)>();
        var n = 0;
        foreach (var type in VoxelType.All)
        {
            foreach (var format in new[] { NiftiFormat.Nifti1, NiftiFormat.Nifti2 })
            {
                int[] shape = n % 2 == 0 ? [5, 4, 3] : [4, 3, 2, 3];
                var volume = SampleVolumes.Random(type, shape, random, flip: n % 3 == 0) with
                {
                    Description = $"volume {n}",
                    TemporalUnit = shape.Length == 4 ? TemporalUnit.Second : TemporalUnit.Unknown,
                    Scaling = n % 4 == 1 && type.IsInteger ? new IntensityScaling(0.5, -3) : IntensityScaling.Identity,
                };
                var path = temp.Combine($"w{n:D2}_{type.Name}_{format}" + (n % 2 == 0 ? ".nii.gz" : ".nii"));
                NiftiWriter.Write(volume, path, new NiftiWriteOptions { Format = format });
                written.Add((path, volume));
                n++;
            }
        }
        var expected = Nibabel.Dump(written.Select(w => w.Path).ToList());
        var problems = new List<string>();
        for (var i = 0; i < written.Count; i++)
        {
            var (path, volume) = written[i];
            var image = expected[i];
            problems.AddRange(NiftiComparison.Compare(volume, NiftiReader.ReadHeader(path), image));
            problems.AddRange(NiftiComparison.Matrix(Path.GetFileName(path), "written qform", volume.Qform, image.Qform!));
            problems.AddRange(NiftiComparison.Matrix(Path.GetFileName(path), "written sform", volume.Sform, image.Sform!));
            if (image.QformCode != (int)volume.QformCode || image.SformCode != (int)volume.SformCode)
                problems.Add($"{path}: codes {image.QformCode}/{image.SformCode} in nibabel");
            var expectedClass = Path.GetFileName(path).Contains("Nifti2") ? "Nifti2Image" : "Nifti1Image";
            if (image.Class != expectedClass) problems.Add($"{path}: nibabel loaded a {image.Class}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
