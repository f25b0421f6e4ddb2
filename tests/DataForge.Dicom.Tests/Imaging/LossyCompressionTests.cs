using DataForge.Dicom.Imaging;
using Xunit;

namespace DataForge.Dicom.Tests.Imaging;

public class LossyCompressionTests
{
    [Fact]
    public void A_lossy_syntax_marks_pixels_lossy_even_when_the_sender_left_the_attribute_out()
    {
        var facts = LossyCompression.Of(new DicomDataset(), DicomTransferSyntax.JPEG2000);
        Assert.NotNull(facts);
        Assert.Equal(["ISO_15444_1"], facts.Methods);
        Assert.Equal(DicomTransferSyntax.JPEG2000.Uid, facts.LossySyntax);
        Assert.Empty(facts.Ratios);
    }

    [Fact]
    public void Lossy_Image_Compression_01_marks_pixels_lossy_in_a_lossless_syntax_with_the_headers_own_methods_and_ratios()
    {
        var ds = new DicomDataset().Add(DicomTags.LossyImageCompression, "01")
            .Add(DicomTags.LossyImageCompressionRatio, "10", "2.5").Add(DicomTags.LossyImageCompressionMethod, "ISO_10918_1", "ISO_15444_1");
        var facts = LossyCompression.Of(ds, DicomTransferSyntax.RLELossless);
        Assert.NotNull(facts);
        Assert.Equal(["ISO_10918_1", "ISO_15444_1"], facts.Methods);
        Assert.Equal([10.0, 2.5], facts.Ratios);
        Assert.Null(facts.LossySyntax);
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.1", "")]
    [InlineData("1.2.840.10008.1.2.4.70", "00")]
    [InlineData("1.2.840.10008.1.2.4.90", "")]
    [InlineData("1.2.840.10008.1.2.4.80", "")]
    public void Lossless_pixels_are_not_marked(string syntax, string flag)
    {
        var ds = new DicomDataset();
        if (flag.Length > 0) ds.Add(DicomTags.LossyImageCompression, flag);
        Assert.Null(LossyCompression.Of(ds, DicomTransferSyntax.FromUid(syntax)));
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.4.50", true)]
    [InlineData("1.2.840.10008.1.2.4.51", true)]
    [InlineData("1.2.840.10008.1.2.4.57", false)]
    [InlineData("1.2.840.10008.1.2.4.81", true)]
    [InlineData("1.2.840.10008.1.2.4.91", true)]
    [InlineData("1.2.840.10008.1.2.4.201", false)]
    [InlineData("1.2.840.10008.1.2.4.203", true)]
    [InlineData("1.2.840.10008.1.2.5", false)]
    public void Transfer_syntaxes_say_whether_they_are_lossy_as_PS3_5_names_them(string uid, bool lossy)
    {
        var syntax = DicomTransferSyntax.FromUid(uid);
        Assert.Equal(lossy, syntax.IsLossy);
        Assert.Equal(lossy, syntax.LossyMethod is not null);
    }
}
