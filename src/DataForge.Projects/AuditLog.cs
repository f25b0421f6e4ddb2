using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Projects;

/// <summary>One record of the audit log.</summary>
/// <param name="Seq">1, 2, 3, … in the order written.</param>
/// <param name="Time">UTC, to the second (ISO 8601).</param>
/// <param name="User">The operating-system user who ran the command.</param>
/// <param name="Command">The command (<c>build</c>, <c>pseudonyms lookup</c>, …).</param>
/// <param name="Details">Counts, versions, tags and keyed hashes; never an identifier or a path.</param>
/// <param name="Tool">The DataForge version.</param>
/// <param name="Previous">The hash of the record before (64 zeros for the first).</param>
/// <param name="Hash">SHA-256 over the previous hash and the record's canonical text.</param>
public sealed record AuditRecord(long Seq, string Time, string User, string Command, JsonObject Details, string Tool, string Previous, string Hash);

/// <summary>Where the chain of the audit log breaks, or null when it holds.</summary>
/// <param name="Line">The 1-based line of the first record that does not hold.</param>
/// <param name="Reason">What is wrong there.</param>
public sealed record AuditBreak(int Line, string Reason);

/// <summary>
/// The audit log, <c>.dataforge/audit.log</c> (0600): one JSON record per line, appended and never
/// rewritten, each chained to the one before: <c>hash = SHA-256("dataforge-audit/1\n" + previous hash
/// + "\n" + canonical record without its hash)</c>, the canonical record being the members seq, time,
/// user, command, details (members sorted), tool, previous in that order, compact. An edited record no
/// longer hashes to its hash; a removed, inserted or reordered one breaks the sequence or the chain of
/// previous hashes; <see cref="Verify"/> names the first line where either happens. It records who ran
/// what, when, with counts and versions: re-identification queries as the kind of value asked and its
/// keyed hash under the project secret (so a data-protection officer holding the secret can check
/// whether a given patient was looked up), never the answer, never a name, ID or path.
/// </summary>
public sealed class AuditLog(PrivateZone zone)
{
    private const string Domain = "dataforge-audit/1\n";
    private static readonly string Genesis = new('0', 64);

    /// <summary>The log file.</summary>
    public string Path => System.IO.Path.Combine(zone.Root, "audit.log");

    /// <summary>Appends a record (under <c>.dataforge/audit.lock</c>, flushed to the disk before returning).</summary>
    public AuditRecord Append(string command, JsonObject details, string tool, string user, DateTimeOffset now)
    {
        Directory.CreateDirectory(zone.Root);
        using var held = Lock();
        var last = LastRecord();
        var record = Seal(new AuditRecord((last?.Seq ?? 0) + 1, now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            user, command, details, tool, last?.Hash ?? Genesis, ""));
        var line = Encoding.UTF8.GetBytes(ToLine(record) + "\n");
        var created = !File.Exists(Path);
        using (var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            if (created && !OperatingSystem.IsWindows()) File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            stream.Write(line);
            stream.Flush(flushToDisk: true);
        }
        return record;
    }

    /// <summary>
    /// The last record that parses, read from the end of the file (every build appends one: the whole log is not read
    /// each time). A damaged tail is skipped back over; <see cref="Verify"/> reports it.
    /// </summary>
    private AuditRecord? LastRecord()
    {
        if (!File.Exists(Path)) return null;
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var window = 4096;
        while (true)
        {
            var start = Math.Max(0, stream.Length - window);
            stream.Position = start;
            var buffer = new byte[stream.Length - start];
            stream.ReadExactly(buffer);
            var lines = Encoding.UTF8.GetString(buffer).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            // The first line of a window that does not start the file may be cut: only the lines after it are whole.
            for (var i = lines.Length - 1; i >= (start == 0 ? 0 : 1); i--)
                if (Parse(lines[i]) is { } record) return record;
            if (start == 0) return null;
            window *= 4;
        }
    }

    /// <summary>Every record that parses, with its line number (a line that does not parse is reported by <see cref="Verify"/>).</summary>
    public IReadOnlyList<(int Line, AuditRecord Record)> ReadAll()
    {
        var records = new List<(int, AuditRecord)>();
        if (!File.Exists(Path)) return records;
        var n = 0;
        foreach (var line in File.ReadLines(Path))
        {
            n++;
            if (Parse(line) is { } record) records.Add((n, record));
        }
        return records;
    }

    /// <summary>Checks the whole chain; the first line where it breaks, or null when every record holds.</summary>
    public AuditBreak? Verify()
    {
        if (!File.Exists(Path)) return null;
        var previous = Genesis;
        long seq = 0;
        var n = 0;
        foreach (var line in File.ReadLines(Path))
        {
            n++;
            if (Parse(line) is not { } record) return new AuditBreak(n, "not a well-formed audit record (edited or truncated)");
            if (Seal(record with { Hash = "" }).Hash != record.Hash) return new AuditBreak(n, $"record {record.Seq} does not hash to its recorded hash: it was edited");
            if (record.Seq != seq + 1)
                return new AuditBreak(n, $"record {record.Seq} follows record {seq}: records were removed, inserted or reordered");
            if (record.Previous != previous)
                return new AuditBreak(n, $"record {record.Seq} is not chained to the record before it: records were removed, inserted or reordered");
            previous = record.Hash;
            seq = record.Seq;
        }
        return null;
    }

    private static AuditRecord Seal(AuditRecord record)
    {
        var text = Domain + record.Previous + "\n" + Canonical(record);
        return record with { Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))) };
    }

    private static string Canonical(AuditRecord r)
    {
        var o = new JsonObject
        {
            ["seq"] = r.Seq, ["time"] = r.Time, ["user"] = r.User, ["command"] = r.Command,
            ["details"] = Sorted(r.Details), ["tool"] = r.Tool, ["previous"] = r.Previous,
        };
        return o.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static string ToLine(AuditRecord r)
    {
        var o = JsonNode.Parse(Canonical(r))!.AsObject();
        o["hash"] = r.Hash;
        return o.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    private static AuditRecord? Parse(string line)
    {
        try
        {
            if (JsonNode.Parse(line) is not JsonObject o) return null;
            return new AuditRecord(o["seq"]!.GetValue<long>(), o["time"]!.GetValue<string>(), o["user"]!.GetValue<string>(), o["command"]!.GetValue<string>(),
                o["details"]!.AsObject().DeepClone().AsObject(), o["tool"]!.GetValue<string>(), o["previous"]!.GetValue<string>(), o["hash"]!.GetValue<string>());
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private FileStream Lock()
    {
        var path = System.IO.Path.Combine(zone.Root, "audit.lock");
        for (var attempt = 0; ; attempt++)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (attempt < 600) { Thread.Sleep(50); }
        }
    }
}
