using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using DataForge.Dicom;

namespace DataForge.Synth;

/// <summary>
/// Writes synthetic DICOM studies: per fake patient a CT of the chest (axial, signed, HU rescale) and
/// an MR of the head (sagittal, unsigned), each one series of parallel slices with consistent
/// geometry, a phantom in the pixels, and identifiers in every place real exports carry them:
/// patient module, physicians, institution, dates, free text, a private block, a nested sequence with
/// a person name (Original Attributes Sequence), and a folder named after the patient.
/// Same options, same bytes.
/// </summary>
public static class SynthWriter
{
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    public const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";

    /// <summary>Private creator of the vendor block every synthetic file carries (group 0029).</summary>
    public const string PrivateCreator = "DATAFORGE SYNTH 1";

    /// <summary>Transfer syntaxes the generator can write, by their short names.</summary>
    public static IReadOnlyDictionary<string, DicomTransferSyntax> TransferSyntaxes { get; } = new Dictionary<string, DicomTransferSyntax>
    {
        ["explicit-le"] = DicomTransferSyntax.ExplicitVRLittleEndian,
        ["implicit-le"] = DicomTransferSyntax.ImplicitVRLittleEndian,
        ["explicit-be"] = DicomTransferSyntax.ExplicitVRBigEndian,
        ["deflated"] = DicomTransferSyntax.DeflatedExplicitVRLittleEndian,
    };

    /// <summary>Writes the whole corpus under <paramref name="root"/>; returns what was written.</summary>
    public static SynthSummary Write(string root, SynthOptions options, int parallelism = 0)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        var syntax = TransferSyntaxes[options.TransferSyntax];
        var files = 0L;
        var bytes = 0L;
        var series = 0;
        Parallel.For(0, options.Patients,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount },
            index =>
            {
                var patient = FakePatient.Create(options.Seed, index);
                foreach (var modality in options.Modalities)
                {
                    var (f, b) = WriteSeries(root, options, patient, modality, syntax);
                    Interlocked.Add(ref files, f);
                    Interlocked.Add(ref bytes, b);
                    Interlocked.Increment(ref series);
                }
            });
        return new SynthSummary(options.Patients, series, files, bytes);
    }

    private static (long Files, long Bytes) WriteSeries(string root, SynthOptions o, FakePatient p, string modality, DicomTransferSyntax syntax)
    {
        var ct = modality == "CT";
        var rng = SplitMix64.For(o.Seed, "series", p.Index, modality);
        var scale = rng.Between(0.9, 1.1);
        var geometry = ct
            ? SeriesGeometry.Axial(o.Matrix, o.Slices, fieldOfView: 360, coverage: 240)
            : SeriesGeometry.Sagittal(o.Matrix, o.Slices, fieldOfView: 240, coverage: 160);
        var phantom = ct ? Phantom.Chest(scale) : Phantom.Head(scale);
        var studyUid = Uid(o.Seed, "study", p.Index, modality);
        var seriesUid = Uid(o.Seed, "series", p.Index, modality);
        var frameUid = Uid(o.Seed, "frame", p.Index, modality);
        var seriesNumber = ct ? 2 : 5;
        var studyTime = new TimeOnly(8, 0).Add(TimeSpan.FromMinutes(rng.Next(0, 9 * 60) + (ct ? 0 : 30)));
        var description = ct ? "CT THORAX W/O CONTRAST" : "MR HEAD T1";
        var seriesDescription = ct ? "AXIAL 3MM SOFT TISSUE" : "SAG T1 SE";
        var folder = Path.Combine(root, p.FolderName,
            $"{p.StudyDate:yyyyMMdd}_{modality}", $"{seriesNumber:000}_{seriesDescription.Replace(' ', '_')}");
        Directory.CreateDirectory(folder);
        long bytes = 0;
        for (var k = 0; k < o.Slices; k++)
        {
            var sopUid = Uid(o.Seed, "instance", p.Index, modality, k);
            var ds = new DicomDataset();
            ds.Add(DicomTags.SpecificCharacterSet, "ISO_IR 100");
            ds.Add(DicomTags.ImageType, "ORIGINAL", "PRIMARY", ct ? "AXIAL" : "OTHER");
            ds.Add(DicomTags.InstanceCreationDate, Date(p.StudyDate));
            ds.Add(DicomTags.InstanceCreationTime, Time(studyTime.AddMinutes(5)));
            ds.Add(DicomTags.StudyDate, Date(p.StudyDate));
            ds.Add(DicomTags.SeriesDate, Date(p.StudyDate));
            ds.Add(DicomTags.AcquisitionDate, Date(p.StudyDate));
            ds.Add(DicomTags.ContentDate, Date(p.StudyDate));
            ds.Add(DicomTags.StudyTime, Time(studyTime));
            ds.Add(DicomTags.SeriesTime, Time(studyTime.AddMinutes(2)));
            ds.Add(DicomTags.AcquisitionTime, Time(studyTime.AddMinutes(3)));
            ds.Add(DicomTags.ContentTime, Time(studyTime.AddMinutes(3)));
            ds.Add(DicomTags.AccessionNumber, $"ACC{p.PatientId[3..]}{(ct ? 1 : 2)}");
            ds.Add(DicomTags.Modality, modality);
            ds.Add(DicomTags.Manufacturer, "DataForge Synthetic");
            ds.Add(DicomTags.InstitutionName, "Synthetic General Hospital");
            ds.Add(DicomTags.InstitutionAddress, "1 Fictional Road, Nowhere 00000");
            ds.Add(DicomTags.ReferringPhysicianName, p.ReferringPhysician);
            ds.Add(DicomTags.StationName, ct ? "SYNCT01" : "SYNMR01");
            ds.Add(DicomTags.StudyDescription, $"{description} for {p.GivenName} {p.FamilyName}");
            ds.Add(DicomTags.SeriesDescription, seriesDescription);
            ds.Add(DicomTags.InstitutionalDepartmentName, "Radiology");
            ds.Add(DicomTags.PerformingPhysicianName, p.ReferringPhysician);
            ds.Add(DicomTags.OperatorsName, p.OperatorName);
            ds.Add(DicomTags.ManufacturerModelName, ct ? "Phantom CT 64" : "Phantom MR 1.5T");
            ds.Add(DicomTags.PatientName, p.DicomName);
            ds.Add(DicomTags.PatientID, p.PatientId);
            ds.Add(DicomTags.IssuerOfPatientID, "SYNTHETIC GENERAL");
            ds.Add(DicomTags.PatientBirthDate, Date(p.BirthDate));
            ds.Add(DicomTags.PatientSex, p.Sex);
            var otherIds = new DicomDataset();
            ds.Add(DicomTags.OtherPatientIDsSequence, otherIds);
            otherIds.Add(DicomTags.PatientID, p.OtherPatientId);
            otherIds.Add(DicomTags.IssuerOfPatientID, "SYNTHETIC CLINIC");
            otherIds.Add(DicomTags.TypeOfPatientID, "TEXT");
            ds.Add(DicomTags.PatientAge, p.AgeAtStudy);
            ds.Add(DicomTags.PatientSize, Decimal(p.SizeM));
            ds.Add(DicomTags.PatientWeight, Decimal(p.WeightKg));
            ds.Add(DicomTags.PatientComments, $"Synthetic patient {p.GivenName} {p.FamilyName}, born {p.BirthDate:yyyy-MM-dd}");
            ds.Add(DicomTags.BodyPartExamined, ct ? "CHEST" : "HEAD");
            if (ct)
            {
                ds.Add(DicomTags.SliceThickness, Decimal(geometry.SliceSpacing));
                ds.Add(DicomTags.KVP, "120");
            }
            else
            {
                ds.Add(DicomTags.ScanningSequence, "SE");
                ds.Add(DicomTags.SequenceVariant, "NONE");
                ds.Add(DicomTags.ScanOptions, "");
                ds.Add(DicomTags.MRAcquisitionType, "2D");
                ds.Add(DicomTags.SliceThickness, Decimal(geometry.SliceSpacing));
                ds.Add(DicomTags.RepetitionTime, "500");
                ds.Add(DicomTags.EchoTime, "15");
                ds.Add(DicomTags.EchoTrainLength, "1");
                ds.Add(DicomTags.ImagingFrequency, p.Index % 2 == 0 ? "63.87" : "127.74");
                ds.Add(DicomTags.MagneticFieldStrength, p.Index % 2 == 0 ? "1.5" : "3");
                ds.Add(DicomTags.SpacingBetweenSlices, Decimal(geometry.SliceSpacing));
            }
            ds.Add(DicomTags.DeviceSerialNumber, ct ? "SN-SYN-CT-0001" : "SN-SYN-MR-0001");
            ds.Add(DicomTags.SoftwareVersions, "synth 1");
            ds.Add(DicomTags.PatientPosition, "HFS");
            ds.Add(DicomTags.StudyInstanceUID, studyUid);
            ds.Add(DicomTags.SeriesInstanceUID, seriesUid);
            ds.Add(DicomTags.StudyID, $"S{p.Index + 1:0000}{(ct ? 1 : 2)}");
            ds.Add(DicomTags.SeriesNumber, seriesNumber.ToString(CultureInfo.InvariantCulture));
            ds.Add(DicomTags.AcquisitionNumber, "1");
            ds.Add(DicomTags.InstanceNumber, (k + 1).ToString(CultureInfo.InvariantCulture));
            var position = geometry.PositionOf(k);
            ds.Add(DicomTags.ImagePositionPatient, position.Select(Decimal).ToArray());
            ds.Add(DicomTags.ImageOrientationPatient, geometry.RowDirection.Concat(geometry.ColumnDirection).Select(Decimal).ToArray());
            ds.Add(DicomTags.FrameOfReferenceUID, frameUid);
            ds.Add(DicomTags.PositionReferenceIndicator, "");
            ds.Add(DicomTags.SliceLocation, Decimal(Dot(position, geometry.Normal)));
            ds.Add(DicomTags.SamplesPerPixel, (ushort)1);
            ds.Add(DicomTags.PhotometricInterpretation, "MONOCHROME2");
            ds.Add(DicomTags.Rows, (ushort)geometry.Rows);
            ds.Add(DicomTags.Columns, (ushort)geometry.Columns);
            ds.Add(DicomTags.PixelSpacing, Decimal(geometry.RowSpacing), Decimal(geometry.ColumnSpacing));
            ds.Add(DicomTags.BitsAllocated, (ushort)16);
            ds.Add(DicomTags.BitsStored, (ushort)(ct ? 16 : 12));
            ds.Add(DicomTags.HighBit, (ushort)(ct ? 15 : 11));
            ds.Add(DicomTags.PixelRepresentation, (ushort)(ct ? 1 : 0));
            ds.Add(DicomTags.WindowCenter, ct ? "40" : "600");
            ds.Add(DicomTags.WindowWidth, ct ? "400" : "1200");
            if (ct)
            {
                ds.Add(DicomTags.RescaleIntercept, "-1024");
                ds.Add(DicomTags.RescaleSlope, "1");
                ds.Add(DicomTags.RescaleType, "HU");
            }
            // A vendor block as scanners write them, with identifying text inside (PS3.5 7.8.1).
            var operatorTag = ds.PrivateTag(0x0029, PrivateCreator, 0x10);
            ds.Add(operatorTag, DicomVR.LO, $"Operator {p.OperatorName.Replace('^', ' ')}");
            ds.Add(ds.PrivateTag(0x0029, PrivateCreator, 0x11), DicomVR.LO, $"Protocol {description}");
            ds.Add(ds.PrivateTag(0x0029, PrivateCreator, 0x12), DicomVR.DS, Decimal(scale));
            ds.Add(DicomTags.RequestingPhysician, p.ReferringPhysician);
            ds.Add(DicomTags.RequestedProcedureDescription, description);
            // Original Attributes Sequence (PS3.3 C.12.1): a corrected name keeps its old value, two levels deep.
            var original = new DicomDataset();
            ds.Add(DicomTags.OriginalAttributesSequence, original);
            var modified = new DicomDataset();
            original.Add(DicomTags.AttributeModificationDateTime, $"{Date(p.StudyDate)}{Time(studyTime)}");
            original.Add(DicomTags.ModifiedAttributesSequence, modified);
            modified.Add(DicomTags.PatientName, $"{p.FamilyName}^{p.GivenName[0]}");
            modified.Add(DicomTags.PatientID, p.OtherPatientId);
            original.Add(DicomTags.ModifyingSystem, "SYNTHETIC RIS");
            original.Add(DicomTags.ReasonForTheAttributeModification, "CORRECT");
            original.Add(DicomTags.SourceOfPreviousValues, "Synthetic General Hospital");
            ds.Add(DicomTags.PixelData, DicomVR.OW, Pixels(geometry, phantom, k, ct, SplitMix64.For(o.Seed, "noise", p.Index, modality, k)));

            var file = DicomFile.Create(ds, ct ? CtImageStorage : MrImageStorage, sopUid, syntax);
            var path = Path.Combine(folder, $"IM{k + 1:0000}.dcm");
            file.Save(path);
            bytes += new FileInfo(path).Length;
        }
        return (o.Slices, bytes);
    }

    private static byte[] Pixels(SeriesGeometry g, Phantom phantom, int k, bool ct, SplitMix64 noise)
    {
        var data = new byte[g.Rows * g.Columns * 2];
        for (var r = 0; r < g.Rows; r++)
            for (var c = 0; c < g.Columns; c++)
            {
                var (x, y, z) = g.PointOf(k, r, c);
                var value = phantom.ValueAt(x, y, z) + (noise.NextDouble() - 0.5) * (ct ? 20 : 30);
                var offset = (r * g.Columns + c) * 2;
                if (ct) BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(offset), (short)Math.Round(value + 1024));
                else BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(offset), (ushort)Math.Clamp(Math.Round(value), 0, 4095));
            }
        return data;
    }

    /// <summary>A UID under the 2.25 root (PS3.5 B.2) from a hash of the seed and the path, so the same options give the same UIDs.</summary>
    public static string Uid(ulong seed, params object[] path)
    {
        var text = seed.ToString(CultureInfo.InvariantCulture) + "/" + string.Join('/', path);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return "2.25." + new BigInteger(hash.AsSpan(0, 16), isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
    }

    private static double Dot(double[] a, double[] b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

    private static string Date(DateOnly d) => d.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Time(TimeOnly t) => t.ToString("HHmmss", CultureInfo.InvariantCulture);

    /// <summary>A DS value (PS3.5 6.2: at most 16 characters).</summary>
    private static string Decimal(double v)
    {
        if (Math.Abs(v) < 1e-9) v = 0;
        var s = v.ToString("0.######", CultureInfo.InvariantCulture);
        return s.Length <= 16 ? s : v.ToString("G10", CultureInfo.InvariantCulture);
    }
}
