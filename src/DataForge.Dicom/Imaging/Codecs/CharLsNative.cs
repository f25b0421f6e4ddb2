using System.Runtime.InteropServices;

namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// The few CharLS 2.x C entry points (charls.h) that decoding and lossless encoding need, from Debian's libcharls2.
/// Every function returns a charls_jpegls_errc: 0 is success.
/// </summary>
internal static unsafe class CharLsNative
{
    /// <summary>The shared object as Debian installs it (no -dev package needed).</summary>
    public const string Library = "libcharls.so.2";

    /// <summary>The Debian package that provides <see cref="Library"/>.</summary>
    public const string Package = "libcharls2";

    [StructLayout(LayoutKind.Sequential)]
    public struct FrameInfo
    {
        public uint Width;
        public uint Height;
        public int BitsPerSample;
        public int ComponentCount;
    }

    [DllImport(Library, EntryPoint = "charls_jpegls_decoder_create")]
    public static extern nint DecoderCreate();

    [DllImport(Library, EntryPoint = "charls_jpegls_decoder_destroy")]
    public static extern void DecoderDestroy(nint decoder);

    [DllImport(Library, EntryPoint = "charls_jpegls_decoder_set_source_buffer")]
    public static extern int SetSourceBuffer(nint decoder, byte* source, nuint sourceSize);

    [DllImport(Library, EntryPoint = "charls_jpegls_decoder_read_header")]
    public static extern int ReadHeader(nint decoder);

    [DllImport(Library, EntryPoint = "charls_jpegls_decoder_get_frame_info")]
    public static extern int GetFrameInfo(nint decoder, FrameInfo* frameInfo);

    /// <summary>0: none (one scan per component, planes), 1: line, 2: sample interleaved.</summary>
    [DllImport(Library, EntryPoint = "charls_jpegls_decoder_get_interleave_mode")]
    public static extern int GetInterleaveMode(nint decoder, int* interleaveMode);

    [DllImport(Library, EntryPoint = "charls_jpegls_decoder_get_destination_size")]
    public static extern int GetDestinationSize(nint decoder, uint stride, nuint* size);

    [DllImport(Library, EntryPoint = "charls_jpegls_decoder_decode_to_buffer")]
    public static extern int DecodeToBuffer(nint decoder, byte* destination, nuint size, uint stride);

    [DllImport(Library, EntryPoint = "charls_jpegls_encoder_create")]
    public static extern nint EncoderCreate();

    [DllImport(Library, EntryPoint = "charls_jpegls_encoder_destroy")]
    public static extern void EncoderDestroy(nint encoder);

    [DllImport(Library, EntryPoint = "charls_jpegls_encoder_set_frame_info")]
    public static extern int SetFrameInfo(nint encoder, FrameInfo* frameInfo);

    /// <summary>0 is lossless; larger values make near-lossless (lossy) codestreams, which DataForge never writes.</summary>
    [DllImport(Library, EntryPoint = "charls_jpegls_encoder_set_near_lossless")]
    public static extern int SetNearLossless(nint encoder, int nearLossless);

    [DllImport(Library, EntryPoint = "charls_jpegls_encoder_set_interleave_mode")]
    public static extern int SetInterleaveMode(nint encoder, int interleaveMode);

    [DllImport(Library, EntryPoint = "charls_jpegls_encoder_get_estimated_destination_size")]
    public static extern int GetEstimatedDestinationSize(nint encoder, nuint* size);

    [DllImport(Library, EntryPoint = "charls_jpegls_encoder_set_destination_buffer")]
    public static extern int SetDestinationBuffer(nint encoder, byte* destination, nuint size);

    [DllImport(Library, EntryPoint = "charls_jpegls_encoder_encode_from_buffer")]
    public static extern int EncodeFromBuffer(nint encoder, byte* source, nuint size, uint stride);

    [DllImport(Library, EntryPoint = "charls_jpegls_encoder_get_bytes_written")]
    public static extern int GetBytesWritten(nint encoder, nuint* size);

    [DllImport(Library, EntryPoint = "charls_get_error_message")]
    public static extern nint GetErrorMessage(int error);

    /// <summary>CharLS's own sentence for an error code.</summary>
    public static string Message(int error) => Marshal.PtrToStringUTF8(GetErrorMessage(error)) ?? $"error {error}";
}
