namespace DataForge.Engine.Cluster;

/// <summary>A cluster worker cannot run its work (a work list gone, of another format, or for a manifest that changed); the message names no PHI.</summary>
public sealed class WorkException(string message) : Exception(message);
