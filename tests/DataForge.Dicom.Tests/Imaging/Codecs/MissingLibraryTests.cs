using DataForge.Dicom.Imaging.Codecs;
using DataForge.Dicom.IO;
using DataForge.Dicom.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Imaging.Codecs;

/// <summary>
/// A decoder whose native library cannot be loaded refuses the frame with the Debian package to install, as a
/// <see cref="NotSupportedException"/> (a per-item failure in every stage), not a DllNotFoundException.
/// </summary>
public class MissingLibraryTests
{
    public static TheoryData<string> Decoders() => ["JPEG-LS", "JPEG 2000"];

    [SkippableTheory]
    [MemberData(nameof(Decoders))]
    public void A_missing_native_library_names_the_package_to_install(string codec)
    {
        var jpegLs = codec == "JPEG-LS";
        var name = jpegLs ? "pydicom/MR_small_jpeg_ls_lossless.dcm" : "pydicom/MR_small_jp2klossless.dcm";
        var missing = (jpegLs ? NativeCodecLibrary.CharLs : NativeCodecLibrary.OpenJpeg) with { FileName = "libdataforge-not-here.so.9" };
        IFrameDecoder decoder = jpegLs ? new JpegLsFrameDecoder(missing) : new Jpeg2000FrameDecoder(missing);
        var path = OracleFiles.Resolve(name);
        Skip.IfNot(File.Exists(path) || Oracle.IsCi, "python3-pydicom's test files are not installed");
        var file = DicomReader.ReadFile(path);
        var codestream = ((DicomFragmentSequence)file.Dataset.Get(DicomTags.PixelData)!).Fragments[0];
        var geometry = new FrameGeometry(64, 64, 1, 16, 16);

        var e = Assert.Throws<NotSupportedException>(() => decoder.Decode(codestream, geometry));
        Assert.Contains($"decoding {codec} pixel data needs the native library libdataforge-not-here.so.9", e.Message);
        Assert.Contains($"apt-get install {missing.Package}", e.Message);
        // The real library is installed here, so the same frame decodes with it.
        IFrameDecoder real = jpegLs ? new JpegLsFrameDecoder() : new Jpeg2000FrameDecoder();
        Assert.Equal(geometry.FrameBytes, real.Decode(codestream, geometry).Length);
    }
}
