namespace DataForge.Imaging.Operations;

/// <summary>
/// One harmonisation step: a pure function of a volume and the record's parameters. The record
/// is the step's configuration (its canonical JSON goes into the action key); the same volume and
/// parameters always give bit-identical output.
/// </summary>
public interface IVolumeOperation
{
    /// <summary>The step's name in the manifest's harmonise list (reorient, resample, ...).</summary>
    string Name { get; }

    /// <summary>Applies the step; throws <see cref="ImagingException"/> when it cannot apply to this volume.</summary>
    Volume Apply(Volume volume);
}
