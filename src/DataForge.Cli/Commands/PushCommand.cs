using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Projects.Pacs;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge push VERSION --to NAME</c>: STOW-RS of a release's de-identified instances to a research PACS.</summary>
public static class PushCommand
{
    public static Command Create(CliContext context)
    {
        var version = new Argument<string>("VERSION") { Description = "The release to push." };
        var to = new Option<string>("--to") { Description = "The destination: a name under publish: in the manifest.", Required = true };
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("what was sent");
        var command = new Command("push", """
            Store a release's de-identified DICOM instances in a research PACS (a destination under
            publish: in the manifest) with STOW-RS, in batches. The destination is asked first (QIDO-RS)
            and what it already holds is not sent again, so a second push sends nothing. Only a release
            made with deidentify: (its leak gate passed on every instance) is pushed, and each instance
            is read from the store only if it hashes to what the release recorded.

            Example:
              dataforge push v1.0 --to research
            """);
        command.Arguments.Add(version);
        command.Options.Add(to);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(context, parse.GetValue(version)!, parse.GetValue(to)!, parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string version, string to, string file, bool json)
    {
        var project = ProjectArguments.Open(context, file);
        using var repo = ReleaseSupport.OpenRepository(project.Manifest);
        var (tag, release) = ReleaseSupport.Find(repo, project.Manifest, version);
        var lines = new ProgressLines(context.Console, ProgressLines.IntervalFrom(context.Environment));
        var result = PacsPush.Push(project, release, to, context.Environment, json ? null : p => lines.Report("push " + p.Name, p.Done, p.Total, p.Bytes));
        AuditTrail.Record(project.Zone, "push", new JsonObject
        {
            ["version"] = tag.Version,
            ["tag"] = tag.Tag,
            ["destination"] = to,
            ["instances"] = result.Instances,
            ["already_there"] = result.AlreadyThere,
            ["sent"] = result.Sent,
            ["refused"] = result.Refused,
            ["bytes"] = result.Bytes,
        });
        if (json)
            JsonOutput.Write(context.Console, new JsonObject
            {
                ["version"] = tag.Version,
                ["destination"] = to,
                ["instances"] = result.Instances,
                ["already_there"] = result.AlreadyThere,
                ["sent"] = result.Sent,
                ["refused"] = result.Refused,
                ["bytes"] = result.Bytes,
                ["batches"] = result.Batches,
                ["succeeded"] = result.Refused == 0,
            });
        else
            context.Console.Out.WriteLine($"push {tag.Version} to {to}: {result.Instances} instances: {result.Sent} sent ({ReleaseSupport.Size(result.Bytes)} in {result.Batches} " +
                                          $"batch{(result.Batches == 1 ? "" : "es")}), {result.AlreadyThere} already there" +
                                          (result.Refused > 0 ? $", {result.Refused} refused by the destination" : ""));
        if (result.Refused > 0)
        {
            context.Console.Problem($"dataforge: destination '{to}' refused {result.Refused} instance(s); run push again, or check the server's log");
            return ExitCodes.Failed;
        }
        return ExitCodes.Success;
    }
}
