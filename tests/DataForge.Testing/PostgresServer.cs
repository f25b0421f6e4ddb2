using System.Diagnostics;
using System.Text;
using Xunit;

namespace DataForge.Testing;

/// <summary>
/// A real PostgreSQL (Debian's <c>postgresql-15</c>) for the shared action cache's tests: a cluster made with
/// <c>initdb</c> as the <c>postgres</c> user in a temporary folder that user owns, listening on a Unix socket in
/// that folder only (<c>listen_addresses=''</c>: no TCP, so it needs no network namespace), password (SCRAM)
/// authentication, and one role with a random password owning one database for the tests. The server process is
/// started by this process (through <c>setpriv</c>, which execs, so the pid started is the postmaster's) and
/// stopped by that pid, never by name; the folder is removed on dispose. Off CI, a machine without PostgreSQL or
/// without root skips the test; on CI it fails.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    /// <summary>Where Debian puts the server's binaries.</summary>
    public const string BinFolder = "/usr/lib/postgresql/15/bin";

    /// <summary>The test role's name.</summary>
    public const string User = "dataforge_test";

    /// <summary>The test database's name.</summary>
    public const string Database = "dataforge_cache";

    private readonly TempDirectory _dir = new("dataforge-postgres");
    private readonly string _superPassword = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
    private Process? _process;

    private PostgresServer()
    {
        Password = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
    }

    /// <summary>The test role's password (random per server).</summary>
    public string Password { get; }

    /// <summary>The folder holding the server's Unix socket (the "host" of a connection).</summary>
    public string SocketFolder => _dir.Path;

    /// <summary>A URL of the test database with no password in it: <c>postgres://USER@/DB?host=SOCKETFOLDER</c>.</summary>
    public string Url => $"postgres://{User}@/{Database}?host={SocketFolder}";

    /// <summary>Starts a server, or skips the test (fails it on CI) when PostgreSQL or root is not there.</summary>
    public static PostgresServer Start()
    {
        var reason = !File.Exists(Path.Combine(BinFolder, "initdb")) ? "PostgreSQL 15 is not installed (.ci/run installs postgresql)"
            : Environment.UserName != "root" ? "the PostgreSQL fixture runs initdb as the postgres user, which needs root"
            : null;
        if (reason is not null)
        {
            if (Oracle.IsCi) Assert.Fail(reason);
            Skip.If(true, reason);
        }
        var server = new PostgresServer();
        try
        {
            server.Init();
            server.Run();
            server.Psql("postgres", $"CREATE ROLE {User} LOGIN PASSWORD '{server.Password}'");
            server.Psql("postgres", $"CREATE DATABASE {Database} OWNER {User}");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private string DataFolder => _dir.Combine("data");

    private void Init()
    {
        // The postgres user must own the folder (initdb refuses root, and the server its data folder if not 0700).
        Run("chown", "postgres:postgres", _dir.Path);
        Run("chmod", "0700", _dir.Path);
        var passwordFile = _dir.Combine("superuser.pw");
        File.WriteAllText(passwordFile, _superPassword + "\n");
        Run("chown", "postgres", passwordFile);
        var (code, output) = Exec(AsPostgres(Path.Combine(BinFolder, "initdb"), "-D", DataFolder, "-U", "postgres", "--auth=scram-sha-256",
            $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C.UTF-8"));
        File.Delete(passwordFile);
        if (code != 0) throw new InvalidOperationException($"initdb exited with {code}:\n{output}");
    }

    /// <summary>Starts the postmaster on the socket folder and waits until it accepts connections.</summary>
    private void Run()
    {
        var info = AsPostgres(Path.Combine(BinFolder, "postgres"), "-D", DataFolder, "-c", "listen_addresses=",
            "-c", $"unix_socket_directories={SocketFolder}", "-c", "fsync=off", "-c", "max_connections=100");
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
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
            if (process.HasExited) throw new InvalidOperationException($"postgres exited with {process.ExitCode}:\n{Log}");
            if (Exec(new ProcessStartInfo(Path.Combine(BinFolder, "pg_isready"), ["-h", SocketFolder, "-q"])).Code == 0) return;
            Thread.Sleep(100);
        }
        throw new InvalidOperationException($"postgres did not accept connections within 60 s:\n{Log}");
    }

    private readonly StringBuilder _log = new();

    /// <summary>What the server printed.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>
    /// Runs SQL with <c>psql</c> as the superuser on <paramref name="database"/> (an oracle no one here wrote) and
    /// returns its unaligned, tuples-only output. Throws when psql fails.
    /// </summary>
    public string Psql(string database, string sql)
    {
        var info = new ProcessStartInfo(Path.Combine(BinFolder, "psql"), ["-h", SocketFolder, "-U", "postgres", "-d", database,
            "-v", "ON_ERROR_STOP=1", "-X", "-A", "-t", "-c", sql]);
        info.Environment["PGPASSWORD"] = _superPassword;
        var (code, output) = Exec(info);
        if (code != 0) throw new InvalidOperationException($"psql exited with {code}:\n{output}");
        return output;
    }

    /// <summary>Every row of every table of the test database as <c>pg_dump --data-only</c> writes it (bytea as hex).</summary>
    public string DumpData()
    {
        var info = new ProcessStartInfo(Path.Combine(BinFolder, "pg_dump"), ["-h", SocketFolder, "-U", "postgres", "--data-only", Database]);
        info.Environment["PGPASSWORD"] = _superPassword;
        var (code, output) = Exec(info);
        if (code != 0) throw new InvalidOperationException($"pg_dump exited with {code}:\n{output}");
        return output;
    }

    /// <summary>Stops the server it started (SIGINT to that pid: fast shutdown) and removes the folder; a second call does nothing.</summary>
    public void Dispose()
    {
        if (_process is { HasExited: false } process)
        {
            Exec(new ProcessStartInfo("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill();
                process.WaitForExit();
            }
        }
        _process?.Dispose();
        _process = null;
        _dir.Dispose();
    }

    /// <summary>A command run as the postgres user: <c>setpriv</c> execs it, so the process started is the command itself.</summary>
    private static ProcessStartInfo AsPostgres(string executable, params string[] arguments) =>
        new("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", executable, .. arguments]) { WorkingDirectory = "/" };

    private static void Run(string executable, params string[] arguments)
    {
        var (code, output) = Exec(new ProcessStartInfo(executable, arguments));
        if (code != 0) throw new InvalidOperationException($"{executable} exited with {code}:\n{output}");
    }

    private static (int Code, string Output) Exec(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }
}
