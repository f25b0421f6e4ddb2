using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;

namespace DataForge.Stages;

/// <summary>
/// The owner of the manifest's <c>output:</c> section: which layouts this version writes (another is refused, never
/// ignored) and the settings of the 2D layouts (<see cref="Png.PngOutputChecks"/>).
/// </summary>
public sealed class OutputModule : SectionModule
{
    /// <summary>Output layouts that can be written.</summary>
    public static IReadOnlySet<string> Layouts { get; } = new HashSet<string>(StringComparer.Ordinal) { "dicom", "nifti", "nnunet", "monai", "png", "coco" };

    public override string Section => "output";

    protected override void Check(DataForgeManifest m, SectionProblems problems)
    {
        if (!Layouts.Contains(m.Output.Layout))
            problems.Report("output.layout", $"output.layout: {m.Output.Layout} is not supported yet (supported: {string.Join(", ", Layouts.Order(StringComparer.Ordinal))})");
        problems.AddRange(Png.PngOutputChecks.Run(m));
    }
}
