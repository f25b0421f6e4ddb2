namespace DataForge.Engine.Indexing;

/// <summary>A source file that could not be read while indexing: source id, source-relative path, reason.</summary>
public sealed record UnreadableFile(string Source, string Path, string Reason);
