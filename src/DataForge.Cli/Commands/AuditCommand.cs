using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Projects;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge audit [--verify] [--json]</c>: the hash-chained audit log of the project.</summary>
public static class AuditCommand
{
    public static Command Create(CliContext context)
    {
        var verify = new Option<bool>("--verify") { Description = "Check the hash chain and say where it breaks (exit 1 when it does)." };
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("the audit log");
        var command = new Command("audit", """
            List the audit log .dataforge/audit.log: who ran which command when, with counts, versions
            and release tags (build, release, verify, export, pseudonyms lookup, export and repair).
            Re-identification queries are recorded as the kind of value asked and its keyed hash, never
            the answer. Each record is chained to the one before by SHA-256; --verify checks the chain
            and names the first record that was edited, removed, inserted or reordered.

            Example:
              dataforge audit --verify
            """);
        command.Options.Add(verify);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var zone = Project.ZoneOf(ManifestArguments.LoadOrFail(context, parse.GetValue(file)!));
            var log = new AuditLog(zone);
            var records = log.ReadAll();
            var broken = parse.GetValue(verify) ? log.Verify() : null;
            if (parse.GetValue(json))
            {
                var document = new JsonObject
                {
                    ["records"] = new JsonArray(records.Select(r => (JsonNode)new JsonObject
                    {
                        ["seq"] = r.Record.Seq, ["time"] = r.Record.Time, ["user"] = r.Record.User, ["command"] = r.Record.Command,
                        ["details"] = r.Record.Details.DeepClone(), ["tool"] = r.Record.Tool, ["hash"] = r.Record.Hash,
                    }).ToArray()),
                };
                if (parse.GetValue(verify))
                    document["verified"] = broken is null;
                if (broken is not null) document["break"] = new JsonObject { ["line"] = broken.Line, ["reason"] = broken.Reason };
                JsonOutput.Write(context.Console, document);
            }
            else
            {
                if (records.Count == 0) context.Console.Out.WriteLine("the audit log is empty");
                foreach (var (_, r) in records)
                    context.Console.Out.WriteLine($"{r.Seq,5}  {r.Time}  {r.User}  {r.Command}  {r.Details.ToJsonString()}");
                if (parse.GetValue(verify))
                    context.Console.Out.WriteLine(broken is null
                        ? $"audit chain verified: {records.Count} record{(records.Count == 1 ? "" : "s")}"
                        : $"audit chain BROKEN at line {broken.Line}: {broken.Reason}");
            }
            return broken is null ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}
