using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>One output of a recorded action: its relative path, content object, size and metadata object.</summary>
public sealed record OutputRecord(string Path, ContentHash Object, long Size, ContentHash Metadata);
