using DataForge.Engine.Cluster;
using DataForge.Projects;
using DataForge.Stages;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// The <c>execution:</c> section bound by the project into the engine's Slurm settings: every key of the manifest
/// reaches them, a key it leaves out takes the engine's default, <c>build --executor</c> overrides the manifest, and
/// the variables of credentials only the coordinator uses (the shared cache's, a DICOMweb server's) are withheld
/// from the Slurm commands, never the project secret's.
/// </summary>
public sealed class ProjectExecutionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private const string Base = """
        version: 1
        name: execution
        sources:
          - id: raw
            kind: dicom
            path: raw
        deidentify:
          profile: basic
        output:
          path: out
          layout: dicom

        """;

    public ProjectExecutionTests() => Directory.CreateDirectory(_dir.Combine("raw"));

    public void Dispose() => _dir.Dispose();

    private Project Open(string yaml, Dictionary<string, string>? environment = null)
    {
        File.WriteAllText(_dir.Combine("dataforge.yaml"), Base + yaml);
        var loaded = ManifestModules.Loader().Load(_dir.Combine("dataforge.yaml"), "dataforge.yaml");
        Assert.True(loaded.Succeeded, string.Join('\n', loaded.Problems));
        var variables = environment ?? [];
        return Project.Open(loaded.Manifest!, new ProjectOptions { Environment = name => variables.GetValueOrDefault(name) });
    }

    private static IReadOnlyList<string> Worker() => ["/opt/dataforge/dataforge"];

    [Fact]
    public void Every_slurm_key_of_the_manifest_reaches_the_settings()
    {
        var slurm = Open("""
            execution:
              executor: slurm
              slurm:
                partition: short
                account: lab
                time_limit: "0-01:00"
                cpus_per_task: 4
                mem_per_task: 8G
                max_array_size: 7
                sbatch_flags: ["--qos=normal"]
                retries: 0
                poll_seconds: 0.5
            """, new() { ["SLURM_CONF"] = "/etc/slurm/test.conf" }).Slurm(null, Worker)!;

        Assert.Equal(("short", "lab", "0-01:00", 4, "8G", 7), (slurm.Partition, slurm.Account, slurm.TimeLimit, slurm.CpusPerTask, slurm.MemPerTask, slurm.MaxArraySize));
        Assert.Equal(["--qos=normal"], slurm.SbatchFlags);
        Assert.Equal(0, slurm.Retries);
        Assert.Equal(TimeSpan.FromSeconds(0.5), slurm.PollInterval);
        Assert.Equal(Worker(), slurm.WorkerCommand);
        Assert.Equal("dataforge.yaml", slurm.ManifestPath);
        Assert.Equal("/etc/slurm/test.conf", slurm.Environment["SLURM_CONF"]);
        Assert.Empty(slurm.WithheldVariables);
    }

    [Fact]
    public void A_key_the_manifest_leaves_out_takes_the_engines_default()
    {
        var slurm = Open("execution:\n  executor: slurm\n  slurm:\n    partition: short\n").Slurm(null, Worker)!;
        var defaults = new SlurmSettings { WorkerCommand = [], ManifestPath = "" };

        Assert.Equal("short", slurm.Partition);
        Assert.Equal((defaults.Account, defaults.TimeLimit, defaults.CpusPerTask, defaults.MemPerTask, defaults.MaxArraySize, defaults.Retries, defaults.PollInterval),
            (slurm.Account, slurm.TimeLimit, slurm.CpusPerTask, slurm.MemPerTask, slurm.MaxArraySize, slurm.Retries, slurm.PollInterval));
        Assert.Equal(defaults.SbatchFlags, slurm.SbatchFlags);
        Assert.Empty(slurm.Environment);
    }

    [Fact]
    public void The_executor_option_overrides_the_manifest_and_a_local_build_never_asks_for_the_worker_command()
    {
        IReadOnlyList<string> Unasked() => throw new InvalidOperationException("a local build asked how to start a worker");
        Assert.Null(Open("").Slurm(null, Unasked));
        Assert.Null(Open("execution:\n  executor: slurm\n").Slurm("local", Unasked));
        Assert.NotNull(Open("").Slurm("slurm", Worker));
        Assert.NotNull(Open("execution:\n  executor: slurm\n").Slurm(null, Worker));
    }

    [Fact]
    public void The_coordinators_credential_variables_are_withheld_from_slurm_but_never_the_project_secrets()
    {
        const string state = "store: shared\nstate:\n  url: postgres://df@/cache?host=/run/postgresql\n  password: env:PG_PASS\n";
        var environment = new Dictionary<string, string> { ["PG_PASS"] = "not-a-real-password", ["DF_SECRET"] = "0123456789abcdef0123456789abcdef" };

        var withheld = Open(state + "execution:\n  executor: slurm\n", environment).Slurm(null, Worker)!.WithheldVariables;
        Assert.Equal(["PGPASSWORD", "PG_PASS"], withheld.Order(StringComparer.Ordinal));

        // A publish target's credentials are the coordinator's too (push runs there).
        const string publish = "publish:\n  archive:\n    url: https://pacs.example.invalid/dicom-web\n    auth:\n      bearer: env:PACS_TOKEN\n";
        var pushing = Open(publish + "execution:\n  executor: slurm\n", environment).Slurm(null, Worker)!.WithheldVariables;
        Assert.Equal(["PACS_TOKEN"], pushing);

        // The workers need the project secret: a variable that is both is passed on.
        var shared = Open(state.Replace("env:PG_PASS", "env:DF_SECRET", StringComparison.Ordinal) + "secret: env:DF_SECRET\nexecution:\n  executor: slurm\n", environment)
            .Slurm(null, Worker)!.WithheldVariables;
        Assert.Equal(["PGPASSWORD"], shared);
    }
}
