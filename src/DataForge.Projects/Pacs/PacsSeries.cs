namespace DataForge.Projects.Pacs;

/// <summary>A series a DICOMweb query found: its study and series UIDs and the number of instances the server says it holds (Number of Series Related Instances).</summary>
public sealed record PacsSeries(string Study, string Series, int Instances);
