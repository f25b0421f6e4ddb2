namespace DataForge.Synth;

/// <summary>What the generator wrote.</summary>
public sealed record SynthSummary(int Patients, int Series, long Files, long Bytes);
