namespace DataForge.Imaging.Operations;

/// <summary>
/// The MR contrast of a volume, which decides which histogram peak WhiteStripe takes as white
/// matter: on T1 the brightest tissue peak, on T2 and FLAIR the largest; see <see cref="WhiteStripe.PeakRules"/>.
/// </summary>
public enum TissueContrast
{
    T1,
    T2,
    Flair,
    PD,
}
