using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// JPEG 2000 (ITU-T T.800) frames, reversible and irreversible, through OpenJPEG reading from memory. OpenJPEG
/// undoes a multiple component transform itself, so YBR_RCT and YBR_ICT frames come out as RGB (PS3.5 8.2.4).
/// </summary>
internal sealed unsafe class Jpeg2000FrameDecoder(NativeCodecLibrary library) : IFrameDecoder
{
    /// <summary>A decoder that uses Debian's OpenJPEG.</summary>
    public Jpeg2000FrameDecoder() : this(NativeCodecLibrary.OpenJpeg) { }

    /// <summary>The codestream and the read position, handed to OpenJPEG's stream callbacks.</summary>
    private struct Source
    {
        public byte* Data;
        public long Length;
        public long Position;
    }

    public byte[] Decode(ReadOnlySpan<byte> codestream, FrameGeometry geometry)
    {
        NativeCodec.RequireEndMarker(codestream, "JPEG 2000");
        library.EnsureLoaded();
        var format = codestream.Length > 4 && codestream[0] == 0xFF && codestream[1] == 0x4F ? OpenJpegNative.CodecJ2K : OpenJpegNative.CodecJP2;
        nint codec;
        try { codec = OpenJpegNative.CreateDecompress(format); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw library.Missing();
        }
        var errors = new StringBuilder();
        var errorsHandle = GCHandle.Alloc(errors);
        nint stream = 0;
        OpenJpegNative.Image* image = null;
        try
        {
            fixed (byte* data = codestream)
            {
                var source = new Source { Data = data, Length = codestream.Length };
                OpenJpegNative.SetErrorHandler(codec, &OnError, (void*)GCHandle.ToIntPtr(errorsHandle));
                var parameters = stackalloc byte[OpenJpegNative.DecoderParametersSize];
                new Span<byte>(parameters, OpenJpegNative.DecoderParametersSize).Clear();
                OpenJpegNative.SetDefaultDecoderParameters(parameters);
                if (OpenJpegNative.SetupDecoder(codec, parameters) == 0) throw Damaged(errors, "setup");
                stream = OpenJpegNative.StreamCreate(1 << 16, 1);
                OpenJpegNative.StreamSetReadFunction(stream, &Read);
                OpenJpegNative.StreamSetSkipFunction(stream, &Skip);
                OpenJpegNative.StreamSetSeekFunction(stream, &Seek);
                OpenJpegNative.StreamSetUserData(stream, &source, null);
                OpenJpegNative.StreamSetUserDataLength(stream, (ulong)codestream.Length);
                if (OpenJpegNative.ReadHeader(stream, codec, &image) == 0) throw Damaged(errors, "header");
                if (OpenJpegNative.Decode(codec, stream, image) == 0) throw Damaged(errors, "data");
                if (OpenJpegNative.EndDecompress(codec, stream) == 0) throw Damaged(errors, "end");
                return Interleave(image, geometry);
            }
        }
        finally
        {
            if (image != null) OpenJpegNative.ImageDestroy(image);
            if (stream != 0) OpenJpegNative.StreamDestroy(stream);
            OpenJpegNative.DestroyCodec(codec);
            errorsHandle.Free();
        }
    }

    private static byte[] Interleave(OpenJpegNative.Image* image, FrameGeometry geometry)
    {
        var count = (int)image->ComponentCount;
        var first = image->Components[0];
        geometry.Check("JPEG 2000", (int)first.Width, (int)first.Height, count, (int)first.Precision);
        var pixels = geometry.Rows * geometry.Columns;
        var size = geometry.BitsAllocated / 8;
        var output = new byte[geometry.FrameBytes];
        for (var c = 0; c < count; c++)
        {
            var component = image->Components[c];
            if (component.Width != first.Width || component.Height != first.Height || component.Data == null)
                throw new DicomFormatException($"JPEG 2000 component {c} is subsampled or empty; DICOM frames have full-size components", tag: DicomTags.PixelData);
            for (var p = 0; p < pixels; p++)
            {
                // Signed samples keep their two's complement bits; DicomPixelData masks to Bits Stored and extends the sign.
                var value = component.Data[p];
                var o = (p * count + c) * size;
                output[o] = (byte)value;
                if (size == 2) output[o + 1] = (byte)(value >> 8);
            }
        }
        return output;
    }

    private static DicomFormatException Damaged(StringBuilder errors, string stage) =>
        new($"the JPEG 2000 codestream cannot be decoded ({stage}: {(errors.Length == 0 ? "OpenJPEG gave no reason" : errors.ToString().Trim())}); it is damaged or truncated", tag: DicomTags.PixelData);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(byte* message, void* clientData)
    {
        if (GCHandle.FromIntPtr((nint)clientData).Target is StringBuilder errors && errors.Length < 1000)
            errors.Append(Marshal.PtrToStringUTF8((nint)message)).Append(' ');
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nuint Read(byte* buffer, nuint count, void* user)
    {
        var source = (Source*)user;
        var left = source->Length - source->Position;
        if (left <= 0) return unchecked((nuint)(-1));   // OpenJPEG's end of stream
        var n = (long)Math.Min((ulong)count, (ulong)left);
        Buffer.MemoryCopy(source->Data + source->Position, buffer, (long)count, n);
        source->Position += n;
        return (nuint)n;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static long Skip(long count, void* user)
    {
        var source = (Source*)user;
        var target = Math.Clamp(source->Position + count, 0, source->Length);
        var skipped = target - source->Position;
        source->Position = target;
        return skipped;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Seek(long position, void* user)
    {
        var source = (Source*)user;
        if (position < 0 || position > source->Length) return 0;
        source->Position = position;
        return 1;
    }
}
