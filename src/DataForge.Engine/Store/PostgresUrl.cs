namespace DataForge.Engine.Store;

/// <summary>
/// A <c>postgres://USER@HOST[:PORT]/DATABASE</c> URL as libpq reads it, without a password: HOST may be a Unix socket
/// folder, percent-encoded (<c>%2Frun%2Fpostgresql</c>) or as <c>?host=/run/postgresql</c> (then the authority's host is
/// empty); <c>?port=</c> is read too. Anything else is refused with a message that names no password.
/// </summary>
public sealed record PostgresUrl(string User, string Host, int Port, string Database)
{
    /// <summary>Parses a URL; throws <see cref="ActionCacheException"/> saying what is wrong.</summary>
    public static PostgresUrl Parse(string url)
    {
        var rest = url.StartsWith("postgres://", StringComparison.Ordinal) ? url["postgres://".Length..]
            : url.StartsWith("postgresql://", StringComparison.Ordinal) ? url["postgresql://".Length..]
            : throw Bad("it must start with postgres://");
        string? query = null;
        if (rest.IndexOf('?') is var q and >= 0) (rest, query) = (rest[..q], rest[(q + 1)..]);
        var slash = rest.IndexOf('/');
        if (slash < 0 || slash == rest.Length - 1) throw Bad("it names no database (postgres://USER@HOST/DATABASE)");
        var (authority, database) = (rest[..slash], Uri.UnescapeDataString(rest[(slash + 1)..]));
        var at = authority.LastIndexOf('@');
        if (at <= 0) throw Bad("it names no user (postgres://USER@HOST/DATABASE)");
        var user = Uri.UnescapeDataString(authority[..at]);
        if (user.Contains(':', StringComparison.Ordinal))
            throw Bad("it holds a password: give it as password: env:NAME or file:PATH beside url:, never in the manifest");
        var hostPort = authority[(at + 1)..];
        var port = 5432;
        if (hostPort.LastIndexOf(':') is var colon and >= 0 && !hostPort.EndsWith(']'))
        {
            port = ParsePort(hostPort[(colon + 1)..]);
            hostPort = hostPort[..colon];
        }
        var host = Uri.UnescapeDataString(hostPort);
        foreach (var pair in (query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var (name, value) = eq < 0 ? (pair, "") : (pair[..eq], Uri.UnescapeDataString(pair[(eq + 1)..]));
            switch (name)
            {
                case "host": host = value; break;
                case "port": port = ParsePort(value); break;
                default: throw Bad($"it has the parameter '{name}', and only host and port are read");
            }
        }
        if (host.Length == 0) throw Bad("it names no host (a server name, or a socket folder as ?host=/folder)");
        return new PostgresUrl(user, host, port, database);
    }

    private static int ParsePort(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port : throw Bad("its port is not a number from 1 to 65535");

    private static ActionCacheException Bad(string what) => new($"state: the PostgreSQL URL cannot be read: {what}");
}
