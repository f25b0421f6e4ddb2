using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace DataForge.Testing;

/// <summary>
/// A real Orthanc (Debian's <c>orthanc</c> with the <c>orthanc-dicomweb</c> plugin) for DICOMweb tests: a generated
/// configuration (HTTP on a free loopback port, the DICOM server off, authentication on with a test user, storage in
/// a temporary folder), started by this process and stopped by the pid it started, never by name. Orthanc listens on
/// every interface, so it is started only inside a network namespace of its own (<c>unshare -n</c> with <c>lo</c> up,
/// as <c>.ci/run</c> runs the tests); anywhere else the test is skipped with the command that runs it.
/// </summary>
public sealed class OrthancServer : IDisposable
{
    /// <summary>Where Debian puts the plugin.</summary>
    public const string PluginFolder = "/usr/share/orthanc/plugins";

    private readonly TempDirectory _dir = new("dataforge-orthanc");
    private readonly HttpClient _http;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private OrthancServer(string executable)
    {
        Executable = executable;
        Port = FreePort();
        Password = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var config = new JsonObject
        {
            ["Name"] = "dataforge-test",
            ["HttpPort"] = Port,
            ["DicomServerEnabled"] = false,
            ["AuthenticationEnabled"] = true,
            ["RegisteredUsers"] = new JsonObject { [User] = Password },
            ["RemoteAccessAllowed"] = true,
            ["StorageDirectory"] = _dir.Combine("storage"),
            ["IndexDirectory"] = _dir.Combine("storage"),
            ["StorageCompression"] = false,
            ["Plugins"] = new JsonArray(PluginFolder),
            ["DicomWeb"] = new JsonObject { ["Enable"] = true, ["Root"] = "/dicom-web/" },
        };
        File.WriteAllText(ConfigPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}/"), Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
    }

    /// <summary>The test user's name.</summary>
    public const string User = "pacs-tester";

    /// <summary>The test user's password (random per server).</summary>
    public string Password { get; }

    public int Port { get; }

    public string Executable { get; }

    /// <summary>The DICOMweb root, e.g. <c>http://127.0.0.1:PORT/dicom-web</c>.</summary>
    public string DicomWebUrl => $"http://127.0.0.1:{Port}/dicom-web";

    private string ConfigPath => _dir.Combine("orthanc.json");

    /// <summary>
    /// Starts a server, or skips the test: when the process shares a network (an interface other than <c>lo</c>) or,
    /// off CI, when Orthanc or its DICOMweb plugin is not installed.
    /// </summary>
    public static OrthancServer Start()
    {
        var shared = Interfaces().Where(n => n != "lo" && !SlurmCluster.VethNames.Contains(n)).ToList();
        Skip.If(shared.Count > 0,
            $"Orthanc listens on every interface, so it runs only in a network namespace of its own (this one has {string.Join(", ", shared)}): " +
            "unshare -n bash -c 'ip link set lo up && exec dotnet test tests/DataForge.Release.Tests -c Release --no-build --filter FullyQualifiedName~DicomWeb'");
        var executable = Oracle.Find("Orthanc") ?? Oracle.Find("/usr/sbin/Orthanc");
        if (executable is null || !Directory.EnumerateFiles(PluginFolder, "libOrthancDicomWeb*").Any())
        {
            var reason = "Orthanc or its DICOMweb plugin is not installed (.ci/run installs orthanc and orthanc-dicomweb)";
            if (Oracle.IsCi) Assert.Fail(reason);
            Skip.If(true, reason);
        }
        var server = new OrthancServer(executable!);
        try
        {
            server.Run();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Starts Orthanc (again, after <see cref="Kill"/>) on the same port and storage, and waits until it answers.</summary>
    public void Run()
    {
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ConfigPath);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) throw new InvalidOperationException($"Orthanc exited with {process.ExitCode}:\n{Log}");
            try
            {
                using var response = _http.GetAsync("system").GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            Thread.Sleep(100);
        }
        throw new InvalidOperationException($"Orthanc did not answer /system within 60 s:\n{Log}");
    }

    /// <summary>What Orthanc printed.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>SIGKILL to the process this server started (by its pid), and waits for it to end.</summary>
    public void Kill()
    {
        if (_process is not { HasExited: false } process) return;
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Uploads DICOM files through the REST API (<c>POST /instances</c>).</summary>
    public void Upload(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            using var content = new ByteArrayContent(File.ReadAllBytes(file));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            using var response = _http.PostAsync("instances", content).GetAwaiter().GetResult();
            Assert.True(response.IsSuccessStatusCode, $"POST /instances: HTTP {(int)response.StatusCode}");
        }
    }

    /// <summary>The Orthanc ids of the stored instances (<c>GET /instances</c>).</summary>
    public IReadOnlyList<string> InstanceIds() =>
        JsonNode.Parse(Get("instances"))!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    /// <summary>SOP Instance UID -> the bytes of the file Orthanc holds, for every instance.</summary>
    public Dictionary<string, byte[]> Instances()
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var id in InstanceIds())
        {
            var tags = JsonNode.Parse(Get($"instances/{id}/simplified-tags"))!;
            result[tags["SOPInstanceUID"]!.GetValue<string>()] = _http.GetByteArrayAsync($"instances/{id}/file").GetAwaiter().GetResult();
        }
        return result;
    }

    private string Get(string path) => _http.GetStringAsync(path).GetAwaiter().GetResult();

    /// <summary>
    /// The network interfaces of this process's namespace. /proc/net/dev is per namespace; /sys/class/net shows the
    /// namespace that mounted /sys, which <c>unshare -n</c> does not remount.
    /// </summary>
    private static IEnumerable<string> Interfaces() =>
        File.Exists("/proc/net/dev")
            ? File.ReadLines("/proc/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).Where(n => n.Length > 0)
            : [];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _http.Dispose();
        _dir.Dispose();
    }
}
