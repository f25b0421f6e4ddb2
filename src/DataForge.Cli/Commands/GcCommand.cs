using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Engine.Building;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge gc</c>: removes cached objects that neither the current build nor a release references.</summary>
public static class GcCommand
{
    public static Command Create(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("what was removed");
        var command = new Command("gc", """
            Remove objects from .dataforge/objects that no release and no action of the current build
            references, and forget the actions that made them. Takes the build lock.

            Example:
              dataforge gc
            """);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string file, bool json)
    {
        var project = ProjectArguments.Open(context, file, writes: true);
        var result = project.Engine.CollectGarbage(ProjectArguments.Engine(context, 0));
        if (result.Outcome == BuildOutcome.LockBusy)
        {
            context.Console.Problem("dataforge: another build holds the store's lock; run gc when it ends");
            return ExitCodes.Failed;
        }
        // The DICOMweb caches: what no pin and no release read goes (releases listed from Git, where they live).
        IReadOnlyList<(string Source, int Removed, long Bytes, int Damaged)> pacs = [];
        if (Projects.Pacs.PacsSources.Of(project.Manifest).Count > 0)
        {
            var releases = new List<Release.ReleaseManifest>();
            // Releases are Git tags: without a repository there are none. Listed before anything is removed.
            if (Release.ReleaseRepository.Exists(project.Manifest.BaseDirectory))
            {
                using var repo = ReleaseSupport.OpenRepository(project.Manifest);
                foreach (var tag in ReleaseSupport.Guard(() => repo.Releases(project.Manifest.Release.TagPrefix)))
                    releases.Add(ReleaseSupport.Find(repo, project.Manifest, tag.Version).Manifest);
            }
            pacs = Projects.Pacs.PacsSources.Collect(project, releases);
        }
        if (json)
        {
            JsonOutput.Write(context.Console, new JsonObject
            {
                ["dicomweb"] = new JsonArray(pacs.Select(p => (JsonNode)new JsonObject { ["source"] = p.Source, ["instances_removed"] = p.Removed, ["bytes_freed"] = p.Bytes, ["damaged_removed"] = p.Damaged }).ToArray()),
                ["objects_removed"] = result.ObjectsRemoved,
                ["bytes_freed"] = result.BytesFreed,
                ["actions_forgotten"] = result.ActionsForgotten,
                ["temp_files_removed"] = result.TempFilesRemoved,
                ["objects_kept"] = result.ObjectsKept,
                ["damaged_removed"] = result.DamagedRemoved,
                ["shared_store_not_swept"] = result.NotSwept,
            });
        }
        else
        {
            var mb = (result.BytesFreed / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
            context.Console.Out.WriteLine($"removed {result.ObjectsRemoved} objects ({mb} MB), forgot {result.ActionsForgotten} actions, kept {result.ObjectsKept} objects"
                + (result.DamagedRemoved > 0 ? $", removed {result.DamagedRemoved} damaged copies from .dataforge/damaged/" : ""));
            foreach (var (source, removed, bytes, damaged) in pacs)
                context.Console.Out.WriteLine($"source '{source}': removed {removed} cached instances ({(bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture)} MB) that neither its pin nor a release reads"
                    + (damaged > 0 ? $", and {damaged} damaged copies fsck moved to .dataforge/pacs/{source}/damaged/" : ""));
        }
        if (result.NotSwept is { } why) context.Console.Problem("dataforge: " + why);
        return result.NotSwept is null ? ExitCodes.Success : ExitCodes.Failed;
    }
}
