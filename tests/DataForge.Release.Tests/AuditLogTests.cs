using System.Text.Json;

namespace DataForge.Release.Tests;

/// <summary>The audit log records who did what and when, with no identifier, and its chain shows where it was tampered with.</summary>
public sealed class AuditLogTests
{
    private static string[] Lines(ReleaseProject p) => File.ReadAllLines(p.Combine(".dataforge", "audit.log"));

    private static void Write(ReleaseProject p, IEnumerable<string> lines) => File.WriteAllLines(p.Combine(".dataforge", "audit.log"), lines);

    private static ReleaseProject Audited()
    {
        var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        p.Run("verify", "v1").AssertExit(0);
        p.Run("export", "v1", "exported").AssertExit(0);
        p.Run("pseudonyms", "lookup", "SYN100000", "--issuer", "SYNTHETIC GENERAL").AssertExit(0);
        p.Run("pseudonyms", "export").AssertExit(0);
        return p;
    }

    [Fact]
    public void Every_command_that_touches_the_data_is_recorded_in_order_and_the_chain_verifies()
    {
        using var p = Audited();

        var audit = JsonDocument.Parse(p.Run("audit", "--verify", "--json").AssertExit(0).Out).RootElement;
        Assert.True(audit.GetProperty("verified").GetBoolean());
        var records = audit.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(["build", "release", "verify", "export", "pseudonyms lookup", "pseudonyms export"], records.Select(r => r.GetProperty("command").GetString()));
        Assert.Equal([1L, 2, 3, 4, 5, 6], records.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.All(records, r => Assert.Equal(Environment.UserName, r.GetProperty("user").GetString()));
        var release = records[1].GetProperty("details");
        Assert.Equal("v1", release.GetProperty("tag").GetString());
        Assert.Equal(13, release.GetProperty("files").GetInt32());
        Assert.True(records[2].GetProperty("details").GetProperty("verified").GetBoolean());
        var lookup = records[4].GetProperty("details");
        Assert.Equal("patient-id", lookup.GetProperty("asked").GetString());
        Assert.True(lookup.GetProperty("found").GetBoolean());
        Assert.Contains("audit chain verified: 6 records", p.Run("audit", "--verify").AssertExit(0).Out);
    }

    [Fact]
    public void No_record_holds_an_identifier_of_the_synthetic_patients_or_a_source_path()
    {
        using var p = Audited();
        var log = File.ReadAllText(p.Combine(".dataforge", "audit.log"));
        var csv = File.ReadAllLines(p.Combine(".dataforge", "pseudonyms.csv")).Skip(1).Select(l => l.Split(','));
        foreach (var row in csv)
        {
            Assert.DoesNotContain(row[3], log); // patient ID
            foreach (var name in row[4].Split(" | ")) Assert.DoesNotContain(name, log);
        }
        foreach (var folder in Directory.GetDirectories(p.Combine("raw")).Select(Path.GetFileName))
            Assert.DoesNotContain(folder!, log);
    }

    [Fact]
    public void An_edited_record_is_named_by_verify()
    {
        using var p = Audited();
        var lines = Lines(p);
        lines[1] = lines[1].Replace("\"files\":13", "\"files\":12", StringComparison.Ordinal);
        Write(p, lines);

        var result = p.Run("audit", "--verify").AssertExit(1);
        Assert.Contains("audit chain BROKEN at line 2: record 2 does not hash to its recorded hash: it was edited", result.Out);
    }

    [Fact]
    public void Reordered_and_removed_records_are_named_by_verify()
    {
        using var p = Audited();
        var lines = Lines(p);
        Write(p, [lines[0], lines[2], lines[1], .. lines[3..]]);
        Assert.Contains("BROKEN at line 2: record 3 follows record 1", p.Run("audit", "--verify").AssertExit(1).Out);

        Write(p, [.. lines[..3], .. lines[4..]]);
        Assert.Contains("BROKEN at line 4: record 5 follows record 3", p.Run("audit", "--verify").AssertExit(1).Out);

        // Renumbering the records after a removal to hide it breaks their hashes.
        var renumbered = lines[4..].Select(l => l.Replace($"\"seq\":{l[7]}", $"\"seq\":{l[7] - '1'}", StringComparison.Ordinal));
        Write(p, [.. lines[..3], .. renumbered]);
        Assert.Contains("BROKEN at line 4: record 4 does not hash to its recorded hash", p.Run("audit", "--verify").AssertExit(1).Out);

        Write(p, lines);
        p.Run("audit", "--verify").AssertExit(0);
    }
}
