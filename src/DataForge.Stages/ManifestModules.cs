using DataForge.Manifest;
using DataForge.Manifest.Checks;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages;

/// <summary>The modules that own manifest sections and check them, for <see cref="ManifestLoader.Create"/>.</summary>
public static class ManifestModules
{
    /// <summary>Every section module's checks.</summary>
    public static ISectionChecks[] Checks() =>
    [
        new SourcesModule(), new ImageSources.ImageSourcesModule(), new Curate.CurateModule(), new DeidentifyModule(), new Harmonise.HarmoniseModule(), new Labels.LabelsModule(),
        new Splits.SplitsModule(), new OutputModule(), new PublishModule(),
    ];

    /// <summary>A manifest loader with every section module's checks (what every command uses).</summary>
    public static ManifestLoader Loader() => ManifestLoader.Create(Checks());
}
