#:project ../src/DataForge.Dicom/DataForge.Dicom.csproj
#:property TreatWarningsAsErrors=false
#:property TieredPGO=false
#:property TieredCompilation=false
// Benchmark driver for bench/dicom-read.sh (a .NET file-based program, not part of the solution).
//   generate DIR COUNT   writes COUNT small synthetic Part 10 files (mixed transfer syntaxes, 64x64 16-bit pixels)
//   read FILELIST [THREADS]  header-only reads every file named in FILELIST; prints "files seconds"
using System.Diagnostics;
using DataForge.Dicom;
using DataForge.Dicom.IO;

if (args.Length >= 3 && args[0] == "generate")
{
    var dir = args[1];
    var count = int.Parse(args[2]);
    Directory.CreateDirectory(dir);
    DicomTransferSyntax[] syntaxes = [DicomTransferSyntax.ExplicitVRLittleEndian, DicomTransferSyntax.ImplicitVRLittleEndian];
    var pixels = new byte[64 * 64 * 2];
    new Random(1).NextBytes(pixels);
    for (var i = 0; i < count; i++)
    {
        var ds = new DicomDataset()
            .Add(DicomTags.SpecificCharacterSet, "ISO_IR 100")
            .Add(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "AXIAL")
            .Add(DicomTags.StudyDate, "20240101").Add(DicomTags.Modality, "CT")
            .Add(DicomTags.PatientName, $"Synthetic^Patient{i % 500:D4}").Add(DicomTags.PatientID, $"SYN{i % 500:D6}")
            .Add(DicomTags.StudyInstanceUID, $"2.25.1000.{i / 100}").Add(DicomTags.SeriesInstanceUID, $"2.25.2000.{i / 50}")
            .Add(DicomTags.InstanceNumber, (i % 50 + 1).ToString())
            .Add(DicomTags.ImagePositionPatient, "0", "0", (i % 50 * 2.5).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add(DicomTags.ImageOrientationPatient, "1", "0", "0", "0", "1", "0")
            .Add(DicomTags.PixelSpacing, "0.7", "0.7").Add(DicomTags.SliceThickness, "2.5")
            .Add(DicomTags.SamplesPerPixel, (ushort)1).Add(DicomTags.PhotometricInterpretation, "MONOCHROME2")
            .Add(DicomTags.Rows, (ushort)64).Add(DicomTags.Columns, (ushort)64)
            .Add(DicomTags.BitsAllocated, (ushort)16).Add(DicomTags.BitsStored, (ushort)12).Add(DicomTags.HighBit, (ushort)11)
            .Add(DicomTags.PixelRepresentation, (ushort)0).Add(DicomTags.RescaleIntercept, "-1024").Add(DicomTags.RescaleSlope, "1")
            .Add(DicomTags.ReferencedImageSequence, new DicomDataset()
                .Add(DicomTags.ReferencedSOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
                .Add(DicomTags.ReferencedSOPInstanceUID, $"2.25.3000.{i}"))
            .Add(DicomTags.PixelData, DicomVR.OW, pixels);
        DicomFile.Create(ds, "1.2.840.10008.5.1.4.1.1.2", $"2.25.4000.{i}", syntaxes[i % syntaxes.Length])
            .Save(Path.Combine(dir, $"IM{i:D6}.dcm"));
    }
    return 0;
}
if (args.Length >= 2 && args[0] == "read")
{
    var files = File.ReadAllLines(args[1]);
    var threads = args.Length >= 3 ? int.Parse(args[2]) : 1;
    // Warm-up on a few files so that start-up and JIT are not measured.
    foreach (var f in files.Take(200)) DicomReader.ReadFile(f, DicomReadOptions.HeaderOnly);
    var clock = Stopwatch.StartNew();
    var names = 0L;
    if (threads == 1)
    {
        foreach (var f in files)
            if (DicomReader.ReadFile(f, DicomReadOptions.HeaderOnly).Dataset.GetString(DicomTags.PatientName) is not null) names++;
    }
    else
    {
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = threads }, f =>
        {
            if (DicomReader.ReadFile(f, DicomReadOptions.HeaderOnly).Dataset.GetString(DicomTags.PatientName) is not null)
                Interlocked.Increment(ref names);
        });
    }
    clock.Stop();
    if (names != files.Length) { Console.Error.WriteLine($"only {names} of {files.Length} files had a patient name"); return 1; }
    Console.WriteLine($"{files.Length} {clock.Elapsed.TotalSeconds:F3}");
    return 0;
}
Console.Error.WriteLine("usage: dicom-read-bench.cs generate DIR COUNT | read FILELIST [THREADS]");
return 2;
