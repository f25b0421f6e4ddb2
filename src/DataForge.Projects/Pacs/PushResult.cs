namespace DataForge.Projects.Pacs;

/// <summary>What <c>push</c> did: the release's instances, those the destination already held, those sent, and those it refused (counts only).</summary>
public sealed record PushResult(string Version, string Target, int Instances, int AlreadyThere, int Sent, long Bytes, int Refused, int Batches);
