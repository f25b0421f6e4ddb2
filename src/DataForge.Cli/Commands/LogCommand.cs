using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Release;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge log</c>: the releases in Git, oldest first, with their counts.</summary>
public static class LogCommand
{
    public static Command Create(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("the releases");
        var command = new Command("log", """
            List the releases (annotated tags with release.tag_prefix whose commit holds
            releases/VERSION/manifest.json), oldest first: version, date, counts (patients, studies,
            series, files, bytes) and message.

            Example:
              dataforge log
            """);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string file, bool json)
    {
        var manifest = ManifestArguments.LoadOrFail(context, file);
        using var repo = ReleaseSupport.OpenRepository(manifest);
        var releases = ReleaseSupport.Guard(() => repo.Releases(manifest.Release.TagPrefix));
        var rows = releases.Select(r => (Tag: r, Manifest: ReleaseSupport.Guard(() => ReleaseManifestJson.Parse(r.ManifestJson, r.Tag)))).ToList();
        if (json)
        {
            var list = new JsonArray();
            foreach (var (r, m) in rows)
            {
                var c = m.Counts;
                list.Add(new JsonObject
                {
                    ["version"] = r.Version,
                    ["tag"] = r.Tag,
                    ["commit"] = r.Commit,
                    ["date"] = r.Date.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
                    ["message"] = r.Message,
                    ["patients"] = c.Patients,
                    ["studies"] = c.Studies,
                    ["series"] = c.Series,
                    ["files"] = c.Files,
                    ["bytes"] = c.Bytes,
                });
            }
            JsonOutput.Write(context.Console, new JsonObject { ["releases"] = list });
            return ExitCodes.Success;
        }
        if (rows.Count == 0) context.Console.Out.WriteLine("no releases yet (make one with 'dataforge release VERSION')");
        foreach (var (r, m) in rows)
        {
            var c = m.Counts;
            var title = r.Message.Split('\n')[0];
            context.Console.Out.WriteLine($"{r.Version}  {r.Date.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture)}  {r.Commit[..12]}  " +
                                          $"{c.Patients} patients, {c.Studies} studies, {c.Series} series, {c.Files} files, {ReleaseSupport.Size(c.Bytes)}  {title}");
        }
        return ExitCodes.Success;
    }
}
