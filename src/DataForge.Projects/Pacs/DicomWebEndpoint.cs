using System.Net.Http.Headers;
using System.Text;
using DataForge.Manifest.Model;

namespace DataForge.Projects.Pacs;

/// <summary>
/// A DICOMweb server as the manifest names it (a source's or a destination's <c>url</c>, <c>auth</c> and
/// <c>ca_file</c>), with its credentials read from where <c>auth</c> says. <see cref="Name"/> is how messages refer
/// to it (<c>source 'pacs'</c>), <see cref="Host"/> is host and port only.
/// </summary>
public sealed record DicomWebEndpoint(string Name, Uri BaseUrl, AuthenticationHeaderValue? Authorization, string? CaFile)
{
    /// <summary>Host and port, for messages (no path, no user information).</summary>
    public string Host => BaseUrl.IsDefaultPort ? BaseUrl.Host : $"{BaseUrl.Host}:{BaseUrl.Port}";

    /// <summary>The endpoint of a manifest's source or destination; a credential that cannot be read is a <see cref="ProjectException"/> (exit 2).</summary>
    public static DicomWebEndpoint Of(DataForgeManifest manifest, string name, string url, DicomWebAuth? auth, string? caFile, Func<string, string?> environment)
    {
        var baseUrl = new Uri(url.TrimEnd('/') + "/");
        AuthenticationHeaderValue? header = null;
        if (auth?.Basic is { } basic)
        {
            var text = Read(manifest, name, "basic", basic, environment);
            if (!text.Contains(':'))
                throw new ProjectException($"{name}: auth.basic {basic} must hold user:password (a user name, a colon, the password)");
            header = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));
        }
        else if (auth?.Bearer is { } bearer)
        {
            header = new AuthenticationHeaderValue("Bearer", Read(manifest, name, "bearer", bearer, environment));
        }
        return new DicomWebEndpoint(name, baseUrl, header, caFile is null ? null : manifest.Resolve(caFile));
    }

    private static string Read(DataForgeManifest manifest, string name, string kind, string reference, Func<string, string?> environment)
    {
        var parsed = SecretReference.Parse(reference) ?? throw new ProjectException($"{name}: auth.{kind} must be env:NAME or file:PATH");
        var text = parsed.ReadText(manifest.BaseDirectory, environment, out var problem);
        if (string.IsNullOrEmpty(text)) throw new ProjectException($"{name}: auth.{kind}: {problem ?? $"{reference} is empty"}");
        return text;
    }
}
