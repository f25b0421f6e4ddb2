namespace DataForge.Stages.Deidentify.Nifti;

/// <summary>
/// The intent codes of nifti1.h (NIFTI_INTENT_*), with the names writers put into intent_name: the macro
/// (NIFTI_INTENT_TTEST), the macro without its prefix (TTEST) and nifti1_io's / nibabel's label ("t test").
/// An intent_name that is one of these is a controlled word and is kept; any other text may identify.
/// </summary>
public static class NiftiIntents
{
    /// <summary>Code, macro suffix and label (nifti1.h; labels as nibabel's intent_codes).</summary>
    public static IReadOnlyList<(int Code, string Macro, string Label)> Table { get; } =
    [
        (0, "NONE", "none"), (2, "CORREL", "correlation"), (3, "TTEST", "t test"), (4, "FTEST", "f test"), (5, "ZSCORE", "z score"),
        (6, "CHISQ", "chi2"), (7, "BETA", "beta"), (8, "BINOM", "binomial"), (9, "GAMMA", "gamma"), (10, "POISSON", "poisson"),
        (11, "NORMAL", "normal"), (12, "FTEST_NONC", "non central f test"), (13, "CHISQ_NONC", "non central chi2"),
        (14, "LOGISTIC", "logistic"), (15, "LAPLACE", "laplace"), (16, "UNIFORM", "uniform"), (17, "TTEST_NONC", "non central t test"),
        (18, "WEIBULL", "weibull"), (19, "CHI", "chi"), (20, "INVGAUSS", "inverse gaussian"), (21, "EXTVAL", "extreme value 1"),
        (22, "PVAL", "p value"), (23, "LOGPVAL", "log p value"), (24, "LOG10PVAL", "log10 p value"),
        (1001, "ESTIMATE", "estimate"), (1002, "LABEL", "label"), (1003, "NEURONAME", "neuroname"), (1004, "GENMATRIX", "general matrix"),
        (1005, "SYMMATRIX", "symmetric matrix"), (1006, "DISPVECT", "displacement vector"), (1007, "VECTOR", "vector"),
        (1008, "POINTSET", "pointset"), (1009, "TRIANGLE", "triangle"), (1010, "QUATERNION", "quaternion"), (1011, "DIMLESS", "dimensionless"),
        (2001, "TIME_SERIES", "time series"), (2002, "NODE_INDEX", "node index"), (2003, "RGB_VECTOR", "rgb vector"),
        (2004, "RGBA_VECTOR", "rgba vector"), (2005, "SHAPE", "shape"),
    ];

    private static readonly HashSet<string> Names = Table
        .SelectMany(t => new[] { "NIFTI_INTENT_" + t.Macro, t.Macro, t.Label })
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="intentName"/> (trimmed, any case) names an intent code.</summary>
    public static bool IsIntentName(string intentName) => Names.Contains(intentName.Trim());
}
