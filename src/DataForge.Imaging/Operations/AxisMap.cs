namespace DataForge.Imaging.Operations;

/// <summary>
/// How an output axis reads its source: source coordinate along <see cref="SourceAxis"/> =
/// Start + Step * output index. Permutations, flips, crops and pads are all such maps.
/// </summary>
internal readonly record struct AxisMap(int SourceAxis, int Step, int Start);
