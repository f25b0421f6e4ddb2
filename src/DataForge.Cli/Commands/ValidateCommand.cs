using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge validate</c>: schema and semantic checks, one line per problem.</summary>
public static class ValidateCommand
{
    public static Command Create(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("the result");
        var command = new Command("validate", """
            Check the manifest against schemas/dataforge.schema.json, then semantic checks (unique ids,
            existing source folders, split ratios summing to 1, known option names) and what this version
            can build. Problems are printed as FILE:LINE:COL: message. Exit code 0 when valid, 2 otherwise.

            Example:
              dataforge validate -f dataforge.yaml
            """);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string file, bool json)
    {
        var path = file;
        var result = context.Loader.Load(context.Resolve(file), file);
        if (json)
        {
            var problems = new JsonArray();
            foreach (var p in result.Problems)
                problems.Add(new JsonObject
                {
                    ["file"] = p.File,
                    ["line"] = p.Location?.Line,
                    ["column"] = p.Location?.Column,
                    ["message"] = p.Message,
                });
            JsonOutput.Write(context.Console, new JsonObject
            {
                ["file"] = path,
                ["valid"] = result.Succeeded,
                ["problems"] = problems,
            });
        }
        else
        {
            foreach (var p in result.Problems) context.Console.Problem(p.ToString());
        }
        if (!result.Succeeded)
        {
            if (!json) context.Console.Note($"{path}: {result.Problems.Count} problem{(result.Problems.Count == 1 ? "" : "s")}");
            return ExitCodes.Usage;
        }
        var m = result.Manifest!;
        if (!json)
            context.Console.Out.WriteLine($"{path}: valid ({m.Name}: {m.Sources.Count} source{(m.Sources.Count == 1 ? "" : "s")}, output {m.Output.Path}/)");
        return ExitCodes.Success;
    }
}
