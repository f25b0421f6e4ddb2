namespace DataForge.Projects.Pacs;

/// <summary>What a pull of one DICOMweb source did: what its query found, what was fetched, and how the pin changed (counts only).</summary>
public sealed record PullResult
{
    public required string Source { get; init; }
    public int Studies { get; init; }
    public int Series { get; init; }
    public int Instances { get; init; }

    /// <summary>Instances downloaded by this pull (the rest were in the cache).</summary>
    public int Fetched { get; init; }

    /// <summary>Bytes downloaded.</summary>
    public long Bytes { get; init; }

    /// <summary>Studies the query returned that the previous pin did not hold, and the reverse.</summary>
    public int StudiesAdded { get; init; }
    public int StudiesRemoved { get; init; }

    /// <summary>Instances the query returned that the previous pin did not hold, and the reverse.</summary>
    public int InstancesAdded { get; init; }
    public int InstancesRemoved { get; init; }

    /// <summary>False before the source's first pull (no pin to compare with).</summary>
    public bool HadPin { get; init; }
}
