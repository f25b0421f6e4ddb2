using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DataForge.Release.Tests.Pacs;

/// <summary>
/// Setup faults of a dicomweb source that need no PACS: nothing listening, and a TLS certificate the system does
/// not trust. Each ends with exit 2 and a message that names the source and the host, and nothing is cached.
/// </summary>
public sealed class DicomWebFaultTests
{
    private const string Secret = "dicomweb-fault-secret-0123456789abcdef";

    [Fact]
    public void An_unreachable_host_ends_with_exit_2_naming_the_source_after_retries()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var project = Project($"http://127.0.0.1:{port}/dicom-web");
        var result = project.Run("build");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"dataforge: source 'raw': cannot reach the DICOMweb server at 127.0.0.1:{port} (connection refused) after 2 attempts; check url:", result.Error);
        Assert.DoesNotContain("secret-password", result.Error + result.Out);
        Assert.Empty(project.CachedObjects());
    }

    [Fact]
    public async Task A_certificate_the_system_does_not_trust_is_refused_with_exit_2_and_not_retried()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var handshakes = 0;
        // A TLS server that offers the self-signed certificate to every connection and then hangs up.
        var server = Task.Run(async () =>
        {
            while (true)
            {
                TcpClient client;
                try { client = await listener.AcceptTcpClientAsync(); }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
                Interlocked.Increment(ref handshakes);
                using (client)
                using (var tls = new SslStream(client.GetStream()))
                {
                    try { await tls.AuthenticateAsServerAsync(X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null)); }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
                }
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var project = Project($"https://127.0.0.1:{port}/dicom-web");
        var result = project.Run("build");
        listener.Stop();
        await server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"dataforge: source 'raw': the TLS certificate of 127.0.0.1:{port} was refused", result.Error);
        Assert.Contains("trust its CA with ca_file:", result.Error);
        Assert.Equal(1, handshakes);
        Assert.Empty(project.CachedObjects());
    }

    private static DicomWebProject Project(string url)
    {
        var project = new DicomWebProject($"""
                kind: dicomweb
                url: {url}
                auth: {"{"}basic: env:PACS_AUTH{"}"}
            """, Secret);
        project.Environment["PACS_AUTH"] = "reader:secret-password";
        project.Environment["DATAFORGE_HTTP_ATTEMPTS"] = "2";
        return project;
    }
}
