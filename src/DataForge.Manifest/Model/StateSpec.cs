namespace DataForge.Manifest.Model;

/// <summary>
/// The <c>state:</c> key: a PostgreSQL database that holds the action cache several projects and machines share
/// (<c>postgres://USER@HOST[:PORT]/DATABASE</c>, HOST a name or a Unix socket folder, also as <c>?host=/folder</c>), with
/// its password from where <see cref="Password"/> names (<c>env:NAME</c> or <c>file:PATH</c>), never in the manifest.
/// </summary>
public sealed record StateSpec(string Url, SecretReference? Password);
