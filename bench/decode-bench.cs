#:project ../src/DataForge.Dicom/DataForge.Dicom.csproj
#:property TreatWarningsAsErrors=false
#:property TieredPGO=false
// Benchmark driver for bench/decode.sh (a .NET file-based program, not part of the solution).
//   decode FILELIST THREADS   reads every file named in FILELIST and decodes every frame to real values, as the
//                             volume stage does; prints "files seconds" (after a warm-up on the first files)
using System.Diagnostics;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;

if (args.Length != 3 || args[0] != "decode") { Console.Error.WriteLine("usage: decode FILELIST THREADS"); return 2; }
var files = File.ReadAllLines(args[1]);
var threads = int.Parse(args[2]);
double Decode(string path)
{
    var pixels = DicomPixelData.Create(DicomReader.ReadFile(path));
    var sum = 0.0;
    for (var f = 0; f < pixels.NumberOfFrames; f++) sum += pixels.GetRealValues(f)[0];
    return sum;
}
foreach (var f in files.Take(10)) Decode(f);
var clock = Stopwatch.StartNew();
Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = threads }, f => Decode(f));
Console.WriteLine($"{files.Length} {clock.Elapsed.TotalSeconds:F3}");
return 0;
