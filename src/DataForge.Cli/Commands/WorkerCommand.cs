using System.CommandLine;
using System.Globalization;
using DataForge.Engine.Cluster;
using DataForge.Projects;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge worker --work DIR</c>: what a Slurm array task runs (the coordinator submits it; users do not). Opens the
/// project read-only with its secret, runs its shard of the work list and writes its result file.
/// </summary>
public static class WorkerCommand
{
    public static Command Create(CliContext context)
    {
        var work = new Option<string>("--work") { Description = "The work folder the coordinator wrote (under .dataforge/work/).", Required = true };
        var task = new Option<int?>("--task") { Description = "The task to run (default: SLURM_ARRAY_TASK_ID)." };
        var command = new Command("worker", """
            Run one task of a cluster build: the actions of its shard of the work list that 'dataforge build'
            (with execution: executor: slurm) wrote and submitted with sbatch. Started by Slurm on a node,
            in the project folder; writes objects into the store and a result file, never state.db. A task
            whose work no longer fits the manifest writes a result failing each action, and exits 0.

            Example (as an array task runs it):
              dataforge worker --work .dataforge/work/5f1c0a93d2e84b17/deidentify
            """) { Hidden = true };
        command.Options.Add(work);
        command.Options.Add(task);
        command.SetAction(parse => Run(context, parse.GetValue(work)!, parse.GetValue(task)));
        return command;
    }

    private static int Run(CliContext context, string work, int? task)
    {
        var folder = context.Resolve(work);
        var index = task ?? (int.TryParse(context.Environment("SLURM_ARRAY_TASK_ID"), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t
            : throw new UserErrorException("worker: no task given (--task N, or SLURM_ARRAY_TASK_ID as Slurm sets it)"));
        var jobs = int.TryParse(context.Environment("SLURM_CPUS_PER_TASK"), NumberStyles.None, CultureInfo.InvariantCulture, out var cpus) && cpus > 0 ? cpus : 1;
        var manifest = ClusterWorker.ManifestOf(folder);
        WorkerReport report;
        try
        {
            // Never the shared action cache: the coordinator records and shares every result, and keeps its password out of the jobs.
            var project = ProjectArguments.Open(context, context.Resolve(manifest), requiresSecret: true, opensActionCache: false);
            report = ClusterWorker.Run(project.Pipeline, project.Zone.Layout, folder, index, jobs, CancellationToken.None);
        }
        catch (ManifestRejectedException e)
        {
            report = ClusterWorker.Refuse(folder, index, $"the manifest does not validate any more ({e.Problems.Count} problem(s), see 'dataforge validate'): " +
                                                         "it changed after the build submitted this work; fix it and run 'dataforge build' again");
        }
        catch (ProjectException e)
        {
            report = ClusterWorker.Refuse(folder, index, $"the project does not open as the build planned it: {e.Message}");
        }
        // A refusal is this task's result, written for the coordinator: exit 0, so Slurm does not run it again to no end.
        if (report.Refused is { } reason) context.Console.Problem($"worker: task {index} refused its work: {reason}");
        else context.Console.Out.WriteLine($"worker: task {index}: {report.Actions} action(s) run, {report.Failed} failed");
        return ExitCodes.Success;
    }
}
