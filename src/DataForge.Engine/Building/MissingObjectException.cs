namespace DataForge.Engine.Building;

/// <summary>Thrown inside an action when an input object is missing from the store; turned into an item failure.</summary>
internal sealed class MissingObjectException() : IOException("an input object is missing from the store (.dataforge/objects damaged); run the build again");
