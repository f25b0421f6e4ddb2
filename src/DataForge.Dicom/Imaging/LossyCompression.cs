namespace DataForge.Dicom.Imaging;

/// <summary>
/// Whether an instance's pixels went through lossy compression, and how (PS3.3 C.7.6.1.1.5): Lossy Image Compression
/// (0028,2110) 01 says so for any compression ever applied, and a lossy transfer syntax says so for the one its pixels are
/// in now, even when a sender left the attribute out. Whatever is made from such pixels derives from lossy data.
/// </summary>
/// <param name="Methods">Lossy Image Compression Method (0028,2114) values, else the lossy syntax's method term.</param>
/// <param name="Ratios">Lossy Image Compression Ratio (0028,2112) values, as written (empty when not given).</param>
/// <param name="LossySyntax">The UID of the lossy transfer syntax the pixels are encoded in, or null.</param>
public sealed record LossyCompression(IReadOnlyList<string> Methods, IReadOnlyList<double> Ratios, string? LossySyntax)
{
    /// <summary>The lossy compression of a dataset encoded in <paramref name="syntax"/>, or null when nothing says it was lossy.</summary>
    public static LossyCompression? Of(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        var flagged = dataset.GetString(DicomTags.LossyImageCompression)?.Trim() == "01";
        if (!flagged && !syntax.IsLossy) return null;
        var methods = dataset.GetStrings(DicomTags.LossyImageCompressionMethod).Select(m => m.Trim()).Where(m => m.Length > 0).ToList();
        if (methods.Count == 0 && syntax.LossyMethod is { } method) methods.Add(method);
        var ratios = new List<double>();
        for (var i = 0; i < dataset.GetStrings(DicomTags.LossyImageCompressionRatio).Count; i++)
            if (dataset.GetNumber(DicomTags.LossyImageCompressionRatio, i) is { } r && double.IsFinite(r)) ratios.Add(r);
        return new LossyCompression(methods, ratios, syntax.IsLossy ? syntax.Uid : null);
    }

    /// <summary>The lossy compression of a file's dataset, or null.</summary>
    public static LossyCompression? Of(DicomFile file) => Of(file.Dataset, file.TransferSyntax);
}
