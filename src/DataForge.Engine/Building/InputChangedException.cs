namespace DataForge.Engine.Building;

/// <summary>Thrown inside an action when an input's bytes no longer match the hash its key was made from; turned into an item failure.</summary>
internal sealed class InputChangedException() : IOException("an input changed while the build read it; run the build again");
