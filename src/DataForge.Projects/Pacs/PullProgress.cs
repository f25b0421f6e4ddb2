namespace DataForge.Projects.Pacs;

/// <summary>Progress of a pull or a push: instances done of a total and bytes moved, for one source or destination.</summary>
public sealed record PullProgress(string Name, int Done, int Total, long Bytes);
