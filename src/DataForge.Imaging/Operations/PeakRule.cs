namespace DataForge.Imaging.Operations;

/// <summary>Which local maximum of the smoothed histogram is the tissue of interest.</summary>
public enum PeakRule
{
    First,
    Largest,
    Last,
}
