using System.Runtime.InteropServices;

namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// A native codec library a decoder needs, and the Debian package that installs it. Checked before each decode, so a
/// machine without it fails the item with the package to install instead of a DllNotFoundException.
/// </summary>
/// <param name="Codec">What it decodes, for the message ("JPEG-LS").</param>
/// <param name="FileName">The shared object's file name as the package installs it.</param>
/// <param name="Package">The Debian package.</param>
internal sealed record NativeCodecLibrary(string Codec, string FileName, string Package)
{
    /// <summary>CharLS, for JPEG-LS.</summary>
    public static readonly NativeCodecLibrary CharLs = new("JPEG-LS", CharLsNative.Library, CharLsNative.Package);

    /// <summary>OpenJPEG, for JPEG 2000.</summary>
    public static readonly NativeCodecLibrary OpenJpeg = new("JPEG 2000", OpenJpegNative.Library, OpenJpegNative.Package);

    /// <summary>Throws <see cref="Missing"/> unless the library loads.</summary>
    public void EnsureLoaded()
    {
        // The loader keeps a library loaded once; loading it again only takes a reference, released at once.
        if (!NativeLibrary.TryLoad(FileName, typeof(NativeCodecLibrary).Assembly, null, out var handle)) throw Missing();
        NativeLibrary.Free(handle);
    }

    /// <summary>Says which Debian package provides the library that decoding needs.</summary>
    public NotSupportedException Missing() =>
        new($"decoding {Codec} pixel data needs the native library {FileName}, which is not installed; install it with: apt-get install {Package}");
}
