using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Projects.Pacs;

/// <summary>
/// The three DICOMweb services DataForge uses (PS3.18): QIDO-RS search with <c>limit</c>/<c>offset</c> paging until
/// a page comes back short, WADO-RS retrieve as <c>multipart/related; type="application/dicom"; transfer-syntax=*</c>
/// (the instances as stored, byte for byte) read part by part, and STOW-RS store. Transient failures (a 5xx or 429
/// answer, a timeout, a refused or dropped connection) are retried with exponential backoff; wrong credentials and a
/// refused certificate are not. Every failure is a <see cref="DicomWebException"/> naming the endpoint by its
/// manifest name and host.
/// </summary>
public sealed class DicomWebClient : IDisposable
{
    /// <summary>Results asked for per QIDO-RS page.</summary>
    public const int PageSize = 500;

    private static readonly TimeSpan HeaderTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http;
    private readonly int _attempts;
    private readonly TimeSpan _backoff;

    /// <param name="endpoint">The server.</param>
    /// <param name="attempts">Tries of a request before a transient failure is final.</param>
    /// <param name="backoff">Wait before the first retry; doubled before each next one.</param>
    public DicomWebClient(DicomWebEndpoint endpoint, int attempts = 5, TimeSpan? backoff = null)
    {
        Endpoint = endpoint;
        _attempts = Math.Max(1, attempts);
        _backoff = backoff ?? TimeSpan.FromMilliseconds(500);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(15),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 8,
        };
        if (endpoint.CaFile is { } caFile) handler.SslOptions.RemoteCertificateValidationCallback = TrustAlso(caFile);
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The server.</summary>
    public DicomWebEndpoint Endpoint { get; }

    /// <summary>
    /// QIDO-RS: every result of a search (<paramref name="relative"/> such as <c>studies</c> or
    /// <c>studies/UID/series</c>), page by page.
    /// </summary>
    public async Task<List<JsonObject>> SearchAsync(string relative, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        var results = new List<JsonObject>();
        for (var offset = 0; ; offset += PageSize)
        {
            var parameters = query.Append(new("limit", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Append(new("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var url = relative + "?" + string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
            var page = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Accept = { new("application/dicom+json") } } },
                async response =>
                {
                    if (response.StatusCode == HttpStatusCode.NoContent) return new List<JsonObject>();
                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    var node = await JsonNode.ParseAsync(body, cancellationToken: cancellationToken);
                    return node is JsonArray array ? array.OfType<JsonObject>().ToList()
                        : throw new DicomWebException($"{Endpoint.Name}: the server at {Endpoint.Host} answered a search with something other than a DICOM JSON list", isSetup: false);
                }, cancellationToken);
            results.AddRange(page);
            if (page.Count < PageSize) return results;
        }
    }

    /// <summary>
    /// WADO-RS: retrieves <paramref name="relative"/> (a study, series or instance) as stored, each instance copied to
    /// the stream <paramref name="openPart"/> gives and handed to <paramref name="partDone"/> when complete. A body
    /// cut short throws (an <see cref="IOException"/> or <see cref="InvalidDataException"/>): parts handed over before are whole.
    /// </summary>
    public Task RetrieveAsync(string relative, Func<Stream> openPart, Func<Stream, Task> partDone, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, relative)
        {
            Headers = { Accept = { MediaTypeWithQualityHeaderValue.Parse("multipart/related; type=\"application/dicom\"; transfer-syntax=*") } },
        }, async response =>
        {
            var boundary = response.Content.Headers.ContentType?.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"');
            if (response.Content.Headers.ContentType?.MediaType != "multipart/related" || string.IsNullOrEmpty(boundary))
                throw new DicomWebException($"{Endpoint.Name}: the server at {Endpoint.Host} did not answer a retrieve with multipart/related", isSetup: false);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var reader = new MultipartReader(body, boundary);
            while (true)
            {
                var part = openPart();
                var headers = await reader.ReadPartAsync(part, cancellationToken);
                if (headers is null)
                {
                    await part.DisposeAsync();
                    return 0;
                }
                await partDone(part);
            }
        }, cancellationToken);

    /// <summary>STOW-RS: stores files in one request; returns how many the server reported as failed.</summary>
    public Task<int> StoreAsync(IReadOnlyList<string> files, CancellationToken cancellationToken) =>
        SendAsync(() =>
        {
            var content = new MultipartContent("related", "dataforge-" + Guid.NewGuid().ToString("N"));
            content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
            foreach (var file in files)
            {
                var part = new StreamContent(File.OpenRead(file));
                part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
                content.Add(part);
            }
            return new HttpRequestMessage(HttpMethod.Post, "studies") { Content = content, Headers = { Accept = { new("application/dicom+json") } } };
        }, async response =>
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                // PS3.18 10.5.3: Failed SOP Sequence (0008,1198) lists the instances the server refused.
                var failed = JsonNode.Parse(text.Length == 0 ? "{}" : text)?["00081198"]?["Value"] as JsonArray;
                return failed?.Count ?? 0;
            }
            catch (JsonException)
            {
                return 0;
            }
        }, cancellationToken);

    /// <summary>
    /// Sends a request (made anew for each try) and reads its answer with <paramref name="read"/>, retrying transient
    /// failures. 401 and 403 are wrong credentials, a TLS failure a refused certificate: neither is retried.
    /// </summary>
    private async Task<T> SendAsync<T>(Func<HttpRequestMessage> make, Func<HttpResponseMessage, Task<T>> read, CancellationToken cancellationToken)
    {
        var delay = _backoff;
        for (var attempt = 1; ; attempt++)
        {
            string transient;
            try
            {
                using var request = make();
                request.RequestUri = new Uri(Endpoint.BaseUrl, request.RequestUri!);
                request.Headers.Authorization = Endpoint.Authorization;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(HeaderTimeout);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (status is 401 or 403)
                    throw new DicomWebException($"{Endpoint.Name}: the server at {Endpoint.Host} refused the credentials (HTTP {status}); check auth: in the manifest and the variable or file it names", isSetup: true);
                if (status >= 500 || status == 429) transient = $"HTTP {status}";
                else if (status >= 300)
                    throw new DicomWebException($"{Endpoint.Name}: the server at {Endpoint.Host} answered HTTP {status} {response.ReasonPhrase}; check url: (the DICOMweb root, before /studies)", isSetup: status is 404 or 405);
                else return await read(response);
            }
            catch (HttpRequestException e) when (FindTls(e) is not null)
            {
                throw new DicomWebException($"{Endpoint.Name}: the TLS certificate of {Endpoint.Host} was refused ({FindTls(e)!.Message.TrimEnd('.')}); trust its CA with ca_file: or fix the server's certificate", isSetup: true);
            }
            catch (HttpRequestException e)
            {
                transient = Describe(e);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                transient = "timed out";
            }
            if (attempt >= _attempts)
                throw new DicomWebException($"{Endpoint.Name}: cannot reach the DICOMweb server at {Endpoint.Host} ({transient}) after {attempt} attempts; check url: and that the server is up", isSetup: true);
            await Task.Delay(delay, cancellationToken);
            delay *= 2;
        }
    }

    /// <summary>Whether a retrieve failure is worth another try: a dropped connection or a body cut short.</summary>
    public static bool IsTransient(Exception e) => e is IOException or InvalidDataException or HttpRequestException;

    /// <summary>Backoff before the n-th retry of a whole retrieve (n from 1).</summary>
    public TimeSpan Backoff(int retry) => _backoff * Math.Pow(2, retry - 1);

    /// <summary>Tries of a request before a transient failure is final.</summary>
    public int Attempts => _attempts;

    private static string Describe(HttpRequestException e) =>
        e.InnerException is SocketException s ? s.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
            SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
            SocketError.TimedOut => "connect timed out",
            _ => s.SocketErrorCode.ToString(),
        } : e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.ResponseEnded => "connection closed",
            _ => e.HttpRequestError.ToString(),
        };

    private static AuthenticationException? FindTls(Exception e)
    {
        for (var x = e.InnerException; x is not null; x = x.InnerException)
            if (x is AuthenticationException a) return a;
        return null;
    }

    /// <summary>A certificate check that accepts what the system trusts, or a chain to a CA of <paramref name="caFile"/> with the host name matching.</summary>
    private static RemoteCertificateValidationCallback TrustAlso(string caFile)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        return (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0 || certificate is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
    }

    public void Dispose() => _http.Dispose();
}
