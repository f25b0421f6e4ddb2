using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;

namespace DataForge.Stages;

/// <summary>
/// The owner of the manifest's <c>publish:</c> section: the research PACS that <c>dataforge push</c> stores a
/// release's de-identified instances in. A destination needs a release that holds DICOM instances
/// (<c>output.layout: dicom</c>) and a CA file that exists.
/// </summary>
public sealed class PublishModule : SectionModule
{
    public override string Section => "publish";

    protected override void Check(DataForgeManifest m, SectionProblems problems)
    {
        if (m.Publish.Count > 0 && m.Output.Layout != "dicom")
            problems.Report("publish", $"publish: pushes de-identified DICOM instances, but output.layout {m.Output.Layout} releases none; use output.layout dicom", atKey: true);
        foreach (var (name, target) in m.Publish.OrderBy(p => p.Key, StringComparer.Ordinal))
            if (target.CaFile is { } ca && !File.Exists(m.Resolve(ca)))
                problems.Report($"publish.{name}.ca_file", $"publish.{name}.ca_file: CA file '{ca}' does not exist (paths are relative to the manifest's folder)");
    }
}
