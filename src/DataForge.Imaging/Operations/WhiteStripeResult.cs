namespace DataForge.Imaging.Operations;

/// <summary>What WhiteStripe found: the tissue mode, its quantile, the stripe's bounds, mean, std and size.</summary>
public sealed record WhiteStripeResult(double Mode, double ModeQuantile, double Lower, double Upper, double Mean, double Std, int Count);
