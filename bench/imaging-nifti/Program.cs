using System.Diagnostics;
using System.Globalization;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;

// bench/imaging-nifti.sh's driver.
//   generate DIR COUNT NX NY NZ   writes COUNT int16 CT-like volumes DIR/vNN.nii (uncompressed)
//   write DIR LEVEL               reads every DIR/v*.nii into memory, then times writing each as
//                                 DIR/dataforge/vNN.nii.gz; prints the total seconds of writing
var command = args[0];
var dir = args[1];
if (command == "generate")
{
    var count = int.Parse(args[2], CultureInfo.InvariantCulture);
    int nx = int.Parse(args[3], CultureInfo.InvariantCulture), ny = int.Parse(args[4], CultureInfo.InvariantCulture), nz = int.Parse(args[5], CultureInfo.InvariantCulture);
    Directory.CreateDirectory(dir);
    for (var n = 0; n < count; n++)
    {
        var random = new Random(n);
        var voxels = new short[nx * ny * nz];
        var cx = nx / 2.0;
        var cy = ny / 2.0;
        for (var z = 0; z < nz; z++)
            for (var y = 0; y < ny; y++)
                for (var x = 0; x < nx; x++)
                {
                    // Air outside an elliptic body, soft tissue with structure inside, plus noise: compresses like CT.
                    var r = Math.Pow((x - cx) / (0.45 * nx), 2) + Math.Pow((y - cy) / (0.38 * ny), 2);
                    double value = r > 1 ? -1000 : 40 + 300 * Math.Sin(x / 9.0 + n) * Math.Cos(y / 13.0) * Math.Sin(z / 7.0);
                    voxels[x + nx * (y + ny * z)] = (short)(value + random.Next(-12, 13));
                }
        var affine = Affine.Diagonal(-0.7, -0.7, 1.25, 180, 180, -100);
        NiftiWriter.Write(new Volume([nx, ny, nz], voxels, affine), Path.Combine(dir, $"v{n:D2}.nii"));
    }
}
else if (command == "write")
{
    var level = int.Parse(args[2], CultureInfo.InvariantCulture);
    var output = Path.Combine(dir, "dataforge");
    Directory.CreateDirectory(output);
    var inputs = Directory.GetFiles(dir, "v*.nii").Order(StringComparer.Ordinal).ToList();
    var volumes = inputs.Select(p => NiftiReader.Read(p)).ToList();
    var options = new NiftiWriteOptions { CompressionLevel = level };
    // One warm-up write so that JIT compilation is not timed.
    NiftiWriter.Write(volumes[0], Path.Combine(output, "warmup.nii.gz"), options);
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < volumes.Count; i++)
        NiftiWriter.Write(volumes[i], Path.Combine(output, Path.GetFileNameWithoutExtension(inputs[i]) + ".nii.gz"), options);
    clock.Stop();
    File.Delete(Path.Combine(output, "warmup.nii.gz"));
    Console.WriteLine(clock.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture));
}
else
{
    Console.Error.WriteLine($"unknown command {command}");
    return 2;
}
return 0;
