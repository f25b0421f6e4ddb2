using System.Text.Json;
using DataForge.Engine.Building;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Store;

namespace DataForge.Engine.TestHost;

/// <summary>
/// <code>
/// build  PROJECT [-j N] [--work N] [--key K] [--no-wait]   exit 0 ok, 1 items failed, 3 lock busy; JSON report on stdout
/// status PROJECT [--work N] [--key K]                      JSON on stdout
/// index  PROJECT [-j N]                                    a build of the sources alone (no stage): the cost of indexing
/// hold   PROJECT                                           takes the build lock and sleeps (until killed)
/// </code>
/// Messages (lock waits, state.db rebuilt) go to stderr. Output folder: PROJECT/out.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 2) return Usage();
        var project = Path.GetFullPath(args[1]);
        var jobs = Environment.ProcessorCount;
        var work = 0;
        var key = "k1";
        var noWait = false;
        for (var i = 2; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-j": jobs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--work": work = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--key": key = args[++i]; break;
                case "--no-wait": noWait = true; break;
                default: return Usage();
            }
        }
        var layout = new StoreLayout(project, Path.Combine(project, "out"));
        var engine = new BuildEngine(layout);
        var options = new BuildOptions { Jobs = jobs, NoWait = noWait, OnMessage = m => Console.Error.WriteLine(m) };
        switch (args[0])
        {
            case "build":
                var result = engine.Build(HostPipeline.Create(project, work, key), options);
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    outcome = result.Outcome.ToString(),
                    holder = result.LockHolder,
                    stages = result.Stages,
                    failures = result.Failures.Select(f => f.ToString()),
                    index = new { result.Index.Files, result.Index.Hashed, result.Index.BytesHashed, result.Index.Renamed },
                    output = result.Output,
                    notices = result.Notices,
                }));
                if (result.Outcome == BuildOutcome.LockBusy)
                {
                    Console.Error.WriteLine($"the store is locked by {result.LockHolder}");
                    return 3;
                }
                return result.Succeeded ? 0 : 1;
            case "index":
                var indexed = engine.Build(new Pipeline(HostPipeline.Create(project, work, key).Sources, []), options);
                Console.Out.WriteLine(JsonSerializer.Serialize(new { indexed.Index.Files, indexed.Index.Hashed, indexed.Index.BytesHashed, jobs }));
                return indexed.Succeeded ? 0 : 1;
            case "status":
                var status = engine.Status(HostPipeline.Create(project, work, key), options);
                Console.Out.WriteLine(JsonSerializer.Serialize(new { upToDate = status.UpToDate, wouldRun = status.WouldRun.Select(e => e.ToString()), status.Stages }));
                return 0;
            case "hold":
                var fs = new PhysicalFileSystem();
                fs.CreateDirectory(layout.StateRoot, privateMode: true);
                using (var held = fs.TryLock(layout.Lock, $"pid {Environment.ProcessId}"))
                {
                    if (held is null) return 3;
                    Console.Out.WriteLine("holding");
                    Console.Out.Flush();
                    Thread.Sleep(Timeout.Infinite);
                }
                return 0;
            default:
                return Usage();
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: build|index|status|hold PROJECT [-j N] [--work N] [--key K] [--no-wait]");
        return 2;
    }
}
