using System.Text;
using System.Text.Json;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// Projects on one shared action cache in a real PostgreSQL (<c>state:</c>) and one shared store folder (<c>store:</c>):
/// separate folders with the same sources copied, the same manifest and the same secret file, as two machines or two
/// users would have them.
/// </summary>
public sealed class SharedCacheCommandTests : IDisposable
{
    private const string PasswordVariable = "DF_TEST_PG_PASSWORD";

    private readonly TempDirectory _dir = new("dataforge-shared-cache");
    private PostgresServer? _server;

    public void Dispose()
    {
        _server?.Dispose();
        _dir.Dispose();
    }

    private PostgresServer Server => _server ??= PostgresServer.Start();

    private Dictionary<string, string> Environment(string? password = null) => new() { [PasswordVariable] = password ?? Server.Password };

    /// <summary>A project folder with the synthetic corpus, the manifest and a secret file holding <paramref name="secret"/>.</summary>
    private string Project(string name, string secret = "the-one-secret-of-this-study-0123456789", string? url = null, int patients = 2)
    {
        var root = _dir.Combine(name);
        SynthWriter.Write(Path.Combine(root, "raw"), new SynthOptions { Patients = patients, Slices = 3, Matrix = 16 });
        File.WriteAllText(Path.Combine(root, "study.key"), secret + "\n");
        File.WriteAllText(Path.Combine(root, "dataforge.yaml"), $"""
            version: 1
            name: shared-study
            secret: file:study.key
            store: {_dir.Combine("store")}
            state:
              url: {url ?? Server.Url}
              password: env:{PasswordVariable}
            sources:
              - {"{"}id: raw, kind: dicom, path: raw, include: ["**/*"]{"}"}
            deidentify:
              profile: basic
            output:
              path: out
              layout: nifti
            """);
        return root;
    }

    private JsonElement Build(string project, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = CliRunner.Run(project, environment ?? Environment(), "build", "--json");
        Assert.True(result.ExitCode == 0, $"build exited with {result.ExitCode}: {result.Error}");
        return JsonDocument.Parse(result.Out).RootElement;
    }

    private static List<(string Stage, int Executed, int Cached, int Shared)> Stages(JsonElement build) =>
        build.GetProperty("stages").EnumerateArray().Select(s => (s.GetProperty("stage").GetString()!, s.GetProperty("executed").GetInt32(),
            s.GetProperty("cached").GetInt32(), s.GetProperty("shared").GetInt32())).ToList();

    private static List<string> Files(string project)
    {
        var output = Path.Combine(project, "out");
        return Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(output, f)} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}")
            .Order(StringComparer.Ordinal).ToList();
    }

    private void AssertStoreClean(string project)
    {
        var fsck = CliRunner.Run(project, Environment(), "fsck", "--json");
        Assert.True(fsck.ExitCode == 0, $"fsck exited with {fsck.ExitCode}: {fsck.Out} {fsck.Error}");
        Assert.Equal(0, JsonDocument.Parse(fsck.Out).RootElement.GetProperty("damaged").GetArrayLength());
    }

    [SkippableFact]
    public void A_second_project_on_the_shared_cache_runs_nothing_and_makes_the_same_bytes()
    {
        var a = Project("a");
        var b = Project("b");
        var first = Stages(Build(a));
        Assert.True(first.Sum(s => s.Executed) > 0);
        Assert.All(first, s => Assert.Equal(0, s.Shared));
        // Status says what the build will take from the shared cache, and writes nothing.
        var status = CliRunner.Run(b, Environment(), "status", "--json");
        Assert.True(status.ExitCode == 0, status.Error);
        var wouldTake = JsonDocument.Parse(status.Out).RootElement.GetProperty("stages").EnumerateArray().ToList();
        Assert.All(wouldTake, s => Assert.Equal(0, s.GetProperty("would_run").GetInt32()));
        Assert.Equal(first.Sum(s => s.Executed), wouldTake.Sum(s => s.GetProperty("shared").GetInt32()));

        var second = Stages(Build(b));

        Assert.Equal(first.Select(s => s.Stage), second.Select(s => s.Stage));
        Assert.All(second, s => Assert.True(s.Executed == 0, $"{s.Stage}: {s.Executed} ran in a project whose every action the shared cache holds"));
        Assert.True(second.Sum(s => s.Shared) > 0);
        Assert.Equal(first.Sum(s => s.Executed), second.Sum(s => s.Shared));
        Assert.Equal(Files(a), Files(b));
        // Served once, recorded locally: B's next build asks no one and runs nothing.
        Assert.All(Stages(Build(b)), s => Assert.Equal((0, 0), (s.Executed, s.Shared)));
        AssertStoreClean(a);
        AssertStoreClean(b);
    }

    [SkippableFact]
    public void After_gc_in_the_project_that_made_them_the_shared_cache_still_serves_its_actions()
    {
        var a = Project("a");
        var b = Project("b");
        var made = Stages(Build(a)).Sum(s => s.Executed);

        var gc = CliRunner.Run(a, Environment(), "gc");

        // A's roots hold the objects its actions' paths are named by in the cache, not only their content.
        Assert.True(gc.ExitCode == 0, $"gc exited with {gc.ExitCode}: {gc.Error}");
        var served = Stages(Build(b));
        Assert.All(served, s => Assert.Equal(0, s.Executed));
        Assert.Equal(made, served.Sum(s => s.Shared));
        AssertStoreClean(b);
    }

    [SkippableFact]
    public void A_project_with_another_secret_runs_every_de_identifying_action_itself()
    {
        var a = Project("a");
        var b = Project("b", secret: "another-secret-of-another-study-987654");
        var first = Stages(Build(a));

        var second = Stages(Build(b));

        // The secret's fingerprint is in every de-identifying action's key: nothing made under A's secret reaches B.
        var deidentifying = second.Where(s => s.Stage.Contains("deid", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(deidentifying);
        foreach (var stage in deidentifying)
        {
            Assert.Equal(0, stage.Shared);
            Assert.Equal(first.Single(s => s.Stage == stage.Stage).Executed, stage.Executed);
        }
        Assert.All(second.SkipWhile(s => !s.Stage.Contains("deid", StringComparison.Ordinal)), s => Assert.Equal(0, s.Shared));
        Assert.NotEqual(Files(a), Files(b));
    }

    [SkippableFact]
    public void A_role_with_select_and_insert_only_builds_on_a_cache_made_before_as_the_readme_says()
    {
        var a = Project("a");
        Build(a);
        // The README: the role needs CREATE the first time, SELECT and INSERT afterwards.
        Server.Psql(PostgresServer.Database, $"CREATE ROLE member LOGIN PASSWORD '{Server.Password}'; " +
            "GRANT SELECT, INSERT ON meta, actions, outputs TO member; REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        var b = Project("b", url: Server.Url.Replace($"{PostgresServer.User}@", "member@", StringComparison.Ordinal));

        var stages = Stages(Build(b));

        Assert.All(stages, s => Assert.Equal(0, s.Executed));
        Assert.Equal(Files(a), Files(b));
    }

    [SkippableFact]
    public void A_shared_cache_that_refuses_writes_costs_the_build_nothing_but_a_notice()
    {
        var a = Project("a");
        Build(a);
        // The cache still answers look-ups but refuses every write, as a role that lost INSERT (or a server that fails
        // mid-build) would: the build's bytes never depend on the cache, so it completes and says what was not sent.
        Server.Psql(PostgresServer.Database, "REVOKE INSERT ON actions, outputs FROM " + PostgresServer.User);
        var b = Project("b", secret: "another-secret-of-another-study-987654");

        var result = CliRunner.Run(b, Environment(), "build");

        Assert.True(result.ExitCode == 0, $"build exited with {result.ExitCode}: {result.Out} {result.Error}");
        Assert.Contains("not sent to the shared action cache", result.Out + result.Error);
        Assert.NotEmpty(Files(b));
        var again = Stages(Build(b));
        Assert.All(again, s => Assert.Equal(0, s.Executed));
    }

    [SkippableFact]
    public void Two_projects_build_at_once_on_the_shared_cache_and_store()
    {
        var a = Project("a", patients: 3);
        var b = Project("b", patients: 3);
        var environment = Environment();

        var builds = new[] { a, b }.Select(p => Task.Run(() => CliRunner.Run(p, environment, "build", "--json"))).ToArray();
        Task.WaitAll(builds);

        foreach (var build in builds) Assert.True(build.Result.ExitCode == 0, $"build exited with {build.Result.ExitCode}: {build.Result.Error}");
        Assert.Equal(Files(a), Files(b));
        AssertStoreClean(a);
        AssertStoreClean(b);
        // Whatever each ran or took, both recorded everything: the next builds run nothing.
        Assert.All(Stages(Build(a)).Concat(Stages(Build(b))), s => Assert.Equal(0, s.Executed));
    }

    [SkippableFact]
    public void No_column_of_the_shared_cache_holds_an_identifier_of_a_source()
    {
        var a = Project("a");
        Build(a);
        Assert.Equal(0, CliRunner.Run(a, Environment(), "status").ExitCode);

        var dump = Server.DumpData();

        Assert.Contains("COPY public.actions", dump, StringComparison.Ordinal);
        Assert.True(int.Parse(Server.Psql(PostgresServer.Database, "SELECT count(*) FROM outputs"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        var planted = new List<string> { Path.Combine(a, "raw") };
        for (var i = 0; i < 2; i++)
        {
            var patient = FakePatient.Create(new SynthOptions().Seed, i);
            planted.AddRange([patient.FamilyName, patient.GivenName, patient.PatientId, patient.OtherPatientId, patient.FolderName,
                patient.BirthDate.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)]);
        }
        // In the clear (text columns) and as the hex of bytea columns.
        foreach (var identifier in planted)
        {
            Assert.DoesNotContain(identifier, dump, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(identifier)), dump, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void A_build_with_nothing_to_do_asks_the_shared_cache_nothing_and_needs_no_server()
    {
        var a = Project("a");
        Build(a);
        var environment = Environment();
        Server.Dispose();

        var again = CliRunner.Run(a, environment, "build", "--json");

        Assert.True(again.ExitCode == 0, $"a no-op build exited with {again.ExitCode}: {again.Error}");
        Assert.All(Stages(JsonDocument.Parse(again.Out).RootElement), s => Assert.Equal(0, s.Executed));
        var change = Directory.EnumerateFiles(Path.Combine(a, "raw"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        File.Delete(change);
        Assert.Equal(2, CliRunner.Run(a, environment, "build").ExitCode);
    }

    [SkippableFact]
    public void A_wrong_password_an_unreachable_server_or_an_unknown_schema_is_exit_2_naming_the_server_only()
    {
        var a = Project("a");
        var wrong = CliRunner.Run(a, Environment("not-the-password"), "build");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains($"postgres {Server.SocketFolder}/{PostgresServer.Database}", wrong.Error, StringComparison.Ordinal);
        Assert.Contains("refused the login", wrong.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", wrong.Error + wrong.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", wrong.Error, StringComparison.Ordinal);

        var nowhere = _dir.Combine("no-server");
        Directory.CreateDirectory(nowhere);
        var b = Project("b", url: $"postgres://{PostgresServer.User}@/{PostgresServer.Database}?host={nowhere}");
        var unreachable = CliRunner.Run(b, Environment(), "build");
        Assert.Equal(2, unreachable.ExitCode);
        Assert.Contains("cannot be reached", unreachable.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", unreachable.Error, StringComparison.Ordinal);

        Build(a);
        Server.Psql(PostgresServer.Database, "UPDATE meta SET value = '99' WHERE name = 'schema'");
        var refused = CliRunner.Run(Project("c"), Environment(), "build", "--json");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("schema version 99", refused.Error, StringComparison.Ordinal);
        Assert.Equal("usage", JsonDocument.Parse(refused.Out).RootElement.GetProperty("error").GetString());
    }
}
