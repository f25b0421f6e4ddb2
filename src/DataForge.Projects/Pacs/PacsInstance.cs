namespace DataForge.Projects.Pacs;

/// <summary>One instance of a DICOMweb source: its study, series and SOP Instance UIDs and, once fetched, the SHA-256 of its bytes.</summary>
public sealed record PacsInstance(string Study, string Series, string Sop, string? Sha256 = null);
