using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>One output of an action in a shared action cache: the object holding its path as UTF-8 text, its content object, size and metadata object.</summary>
public sealed record CachedOutput(ContentHash PathObject, ContentHash Object, long Size, ContentHash Metadata);
