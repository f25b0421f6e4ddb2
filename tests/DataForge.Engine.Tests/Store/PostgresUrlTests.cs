using DataForge.Engine.Store;
using Xunit;

namespace DataForge.Engine.Tests.Store;

public sealed class PostgresUrlTests
{
    [Theory]
    [InlineData("postgres://dataforge@db.example.org/cache", "dataforge", "db.example.org", 5432, "cache")]
    [InlineData("postgresql://dataforge@db.example.org:6543/cache", "dataforge", "db.example.org", 6543, "cache")]
    [InlineData("postgres://dataforge@/cache?host=/run/postgresql", "dataforge", "/run/postgresql", 5432, "cache")]
    [InlineData("postgres://dataforge@%2Ftmp%2Fpg%20sock/my%20cache?port=5433", "dataforge", "/tmp/pg sock", 5433, "my cache")]
    public void A_url_gives_its_user_host_or_socket_folder_port_and_database(string url, string user, string host, int port, string database) =>
        Assert.Equal(new PostgresUrl(user, host, port, database), PostgresUrl.Parse(url));

    [Theory]
    [InlineData("postgres://dataforge:hunter2@db.example.org/cache", "holds a password")]
    [InlineData("mysql://dataforge@db.example.org/cache", "must start with postgres://")]
    [InlineData("postgres://db.example.org/cache", "names no user")]
    [InlineData("postgres://dataforge@db.example.org/", "names no database")]
    [InlineData("postgres://dataforge@/cache", "names no host")]
    [InlineData("postgres://dataforge@db.example.org:99999/cache", "port")]
    [InlineData("postgres://dataforge@db.example.org/cache?sslmode=disable", "only host and port")]
    public void A_url_that_cannot_be_read_is_refused_saying_why_and_never_quoting_a_password(string url, string why)
    {
        var e = Assert.Throws<ActionCacheException>(() => PostgresUrl.Parse(url));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }
}
