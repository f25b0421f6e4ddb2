using System.Diagnostics;
using DataForge.Testing;
using Xunit;

namespace DataForge.Engine.Tests.Store;

/// <summary>The PostgreSQL fixture itself: a server on a Unix socket only, a password role, stopped by its pid.</summary>
public sealed class PostgresServerTests
{
    [SkippableFact]
    public void The_server_listens_on_its_socket_only_and_its_role_logs_in_with_the_password()
    {
        string folder;
        using (var server = PostgresServer.Start())
        {
            folder = server.SocketFolder;
            Assert.Equal("", server.Psql("postgres", "SHOW listen_addresses").Trim());
            Assert.True(File.Exists(Path.Combine(folder, ".s.PGSQL.5432")), "no Unix socket in the fixture's folder");
            Assert.Equal(PostgresServer.User, LogIn(server, server.Password).Output.Trim());
            Assert.NotEqual(0, LogIn(server, "not-the-password").Code);
        }
        Assert.False(Directory.Exists(folder), "the fixture's folder was left behind");
    }

    private static (int Code, string Output) LogIn(PostgresServer server, string password)
    {
        var info = new ProcessStartInfo(Path.Combine(PostgresServer.BinFolder, "psql"),
            ["-h", server.SocketFolder, "-U", PostgresServer.User, "-d", PostgresServer.Database, "-X", "-A", "-t", "-w", "-c", "SELECT current_user"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.Environment["PGPASSWORD"] = password;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
