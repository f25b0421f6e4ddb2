using System.Runtime.InteropServices;

namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// The OpenJPEG 2.x C entry points (openjpeg.h) that decoding from memory needs, from Debian's libopenjp2-7.
/// OPJ_BOOL is an int; 0 is failure.
/// </summary>
internal static unsafe class OpenJpegNative
{
    /// <summary>The shared object as Debian installs it (no -dev package needed).</summary>
    public const string Library = "libopenjp2.so.7";

    /// <summary>The Debian package that provides <see cref="Library"/>.</summary>
    public const string Package = "libopenjp2-7";

    /// <summary>OPJ_CODEC_J2K: a raw codestream, which is what DICOM encapsulates (PS3.5 A.4.4).</summary>
    public const int CodecJ2K = 0;

    /// <summary>OPJ_CODEC_JP2: the JP2 file format, which some writers wrap the codestream in.</summary>
    public const int CodecJP2 = 2;

    /// <summary>opj_dparameters_t is about 8 KiB (two OPJ_PATH_LEN paths); this is room enough for it.</summary>
    public const int DecoderParametersSize = 16384;

    /// <summary>opj_image_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Image
    {
        public uint X0, Y0, X1, Y1, ComponentCount;
        public int ColorSpace;
        public ImageComponent* Components;
        public byte* IccProfile;
        public uint IccProfileLength;
    }

    /// <summary>opj_image_comp_t (with the deprecated bpp member, still present in 2.5).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ImageComponent
    {
        public uint Dx, Dy, Width, Height, X0, Y0, Precision, Bpp, Signed, ResolutionsDecoded, Factor;
        public int* Data;
        public ushort Alpha;
    }

    [DllImport(Library, EntryPoint = "opj_create_decompress")]
    public static extern nint CreateDecompress(int format);

    [DllImport(Library, EntryPoint = "opj_set_default_decoder_parameters")]
    public static extern void SetDefaultDecoderParameters(byte* parameters);

    [DllImport(Library, EntryPoint = "opj_setup_decoder")]
    public static extern int SetupDecoder(nint codec, byte* parameters);

    [DllImport(Library, EntryPoint = "opj_set_error_handler")]
    public static extern int SetErrorHandler(nint codec, delegate* unmanaged[Cdecl]<byte*, void*, void> handler, void* clientData);

    [DllImport(Library, EntryPoint = "opj_stream_create")]
    public static extern nint StreamCreate(nuint bufferSize, int isInput);

    [DllImport(Library, EntryPoint = "opj_stream_set_read_function")]
    public static extern void StreamSetReadFunction(nint stream, delegate* unmanaged[Cdecl]<byte*, nuint, void*, nuint> read);

    [DllImport(Library, EntryPoint = "opj_stream_set_skip_function")]
    public static extern void StreamSetSkipFunction(nint stream, delegate* unmanaged[Cdecl]<long, void*, long> skip);

    [DllImport(Library, EntryPoint = "opj_stream_set_seek_function")]
    public static extern void StreamSetSeekFunction(nint stream, delegate* unmanaged[Cdecl]<long, void*, int> seek);

    [DllImport(Library, EntryPoint = "opj_stream_set_user_data")]
    public static extern void StreamSetUserData(nint stream, void* data, void* free);

    [DllImport(Library, EntryPoint = "opj_stream_set_user_data_length")]
    public static extern void StreamSetUserDataLength(nint stream, ulong length);

    [DllImport(Library, EntryPoint = "opj_read_header")]
    public static extern int ReadHeader(nint stream, nint codec, Image** image);

    [DllImport(Library, EntryPoint = "opj_decode")]
    public static extern int Decode(nint codec, nint stream, Image* image);

    [DllImport(Library, EntryPoint = "opj_end_decompress")]
    public static extern int EndDecompress(nint codec, nint stream);

    [DllImport(Library, EntryPoint = "opj_stream_destroy")]
    public static extern void StreamDestroy(nint stream);

    [DllImport(Library, EntryPoint = "opj_destroy_codec")]
    public static extern void DestroyCodec(nint codec);

    [DllImport(Library, EntryPoint = "opj_image_destroy")]
    public static extern void ImageDestroy(Image* image);
}
