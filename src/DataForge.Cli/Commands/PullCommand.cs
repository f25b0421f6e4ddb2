using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge pull</c>: fills the caches of the DICOMweb sources and pins what their queries return, without building.</summary>
public static class PullCommand
{
    public static Command Create(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("what was pulled");
        var command = new Command("pull", """
            Query each DICOMweb source (QIDO-RS) and fetch the instances not yet cached (WADO-RS, as
            stored) into .dataforge/pacs/SOURCE/, then pin the list the query returned: the next build
            reads exactly those instances. 'dataforge build' pulls first by itself; pull alone fills the
            cache ahead of time. A pull cut short resumes where it stopped; the pin changes only when
            every listed instance is cached.

            Example:
              dataforge pull && dataforge status
            """);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string file, bool json)
    {
        var project = ProjectArguments.Open(context, file);
        var results = PullStep.Run(context, project, json);
        if (results.Count == 0 && !json) context.Console.Note("pull: the manifest has no dicomweb source; nothing to pull");
        if (json) JsonOutput.Write(context.Console, new JsonObject { ["pull"] = new JsonArray(results.Select(r => (JsonNode)PullStep.ToJson(r)).ToArray()) });
        return ExitCodes.Success;
    }
}
