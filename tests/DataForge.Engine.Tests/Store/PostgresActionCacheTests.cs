using DataForge.Engine.Hashing;
using DataForge.Engine.Store;
using DataForge.Testing;
using Xunit;

namespace DataForge.Engine.Tests.Store;

/// <summary>The PostgreSQL action cache against a real server (see <see cref="PostgresServer"/>).</summary>
public sealed class PostgresActionCacheTests : IDisposable
{
    private PostgresServer? _server;

    public void Dispose() => _server?.Dispose();

    private PostgresActionCache Cache() => PostgresActionCache.Create((_server ??= PostgresServer.Start()).Url, _server.Password);

    private static ContentHash Hash(string text) => ContentHash.Of(System.Text.Encoding.UTF8.GetBytes(text));

    private static CachedOutput Output(int i, int ord) => new(Hash($"path {i} {ord}"), Hash($"object {i} {ord}"), 100 + i, Hash($"metadata {i}"));

    [SkippableFact]
    public void An_action_is_found_with_its_outputs_in_order_and_one_with_none_is_found_too()
    {
        using var cache = Cache();
        cache.Record(Hash("a"), "deidentify", [Output(1, 0), Output(1, 1)]);
        cache.Record(Hash("b"), "filter", []);
        Assert.Empty(cache.Find([Hash("a"), Hash("b")]));

        cache.Flush();

        var found = cache.Find([Hash("a"), Hash("b"), Hash("c")]);
        Assert.Equal([Output(1, 0), Output(1, 1)], found[Hash("a")]);
        Assert.Empty(found[Hash("b")]);
        Assert.False(found.ContainsKey(Hash("c")));
    }

    [SkippableFact]
    public void An_action_queued_while_the_store_is_made_durable_waits_for_the_next_flush()
    {
        // The store's syncfs runs between taking the batch and writing it: an action recorded meanwhile (by another
        // executor thread) may have objects that syncfs did not cover, so it must not go out with this batch.
        using var cache = Cache();
        cache.Record(Hash("before"), "deidentify", [Output(1, 0)]);
        cache.Flush(beforeWrite: () => cache.Record(Hash("during"), "deidentify", [Output(2, 0)]));

        Assert.Equal([Hash("before")], cache.Find([Hash("before"), Hash("during")]).Keys);
        cache.Flush();
        Assert.Equal(2, cache.Find([Hash("before"), Hash("during")]).Count);
    }

    [SkippableFact]
    public void Builds_that_record_the_same_actions_at_once_all_succeed_and_each_action_is_recorded_once()
    {
        var keys = Enumerable.Range(0, 400).Select(i => (Key: Hash($"key {i}"), Outputs: (IReadOnlyList<CachedOutput>)[Output(i, 0), Output(i, 1)])).ToList();
        using var first = Cache();
        using var second = Cache();
        first.Open();
        for (var round = 0; round < 5; round++)
        {
            // Opposite orders, as two builds finishing their actions in different orders would queue them.
            var slice = keys.Skip(round * 80).Take(80).ToList();
            foreach (var (key, outputs) in slice) first.Record(key, "deidentify", outputs);
            foreach (var (key, outputs) in Enumerable.Reverse(slice)) second.Record(key, "deidentify", outputs);
            Task.WaitAll(Task.Run(() => first.Flush()), Task.Run(() => second.Flush()));
        }

        Assert.Equal("400", _server!.Psql(PostgresServer.Database, "SELECT count(*) FROM actions").Trim());
        Assert.Equal("800", _server.Psql(PostgresServer.Database, "SELECT count(*) FROM outputs").Trim());
        Assert.Equal(keys.Count, first.Find(keys.Select(k => k.Key).ToList()).Count);
    }
}
