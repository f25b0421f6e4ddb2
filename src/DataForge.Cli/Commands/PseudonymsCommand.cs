using System.CommandLine;
using System.Text;
using System.Text.Json;
using DataForge.Manifest.Model;
using DataForge.Stages;
using DataForge.Stages.Deidentify;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge pseudonyms lookup|export</c>: re-identification for the data controller, with the
/// project secret. It prints or writes original identities: use it only inside the private zone.
/// </summary>
public static class PseudonymsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("pseudonyms", """
            Re-identification, only with the project secret: map a patient ID to its pseudonym, a
            pseudonym back to the patient (by reading the sources), or export the whole table. Output
            holds original identities: keep it inside the private zone.

            Example:
              dataforge pseudonyms lookup EX-7QK2M9T4ZC
            """);
        command.Subcommands.Add(Lookup(context));
        command.Subcommands.Add(Export(context));
        return command;
    }

    private static Command Lookup(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var value = new Argument<string>("VALUE") { Description = "A pseudonym, or an original patient ID." };
        var issuer = new Option<string>("--issuer") { Description = "Issuer of Patient ID of an original ID.", DefaultValueFactory = _ => "" };
        var command = new Command("lookup", """
            A pseudonym: find the patient it stands for in the sources. Anything else: the pseudonym of
            that patient ID (with --issuer when the sources carry Issuer of Patient ID).

            Example:
              dataforge pseudonyms lookup SYN100000 --issuer "SYNTHETIC GENERAL"
            """);
        command.Options.Add(file);
        command.Arguments.Add(value);
        command.Options.Add(issuer);
        command.SetAction(parse =>
        {
            var (manifest, keys, prefix) = Setup(context, parse.GetValue(file)!);
            var text = parse.GetValue(value)!;
            if (text.StartsWith(prefix, StringComparison.Ordinal) && text.Length == prefix.Length + 10)
            {
                var (patients, _) = PseudonymDirectory.Scan(Sources(manifest), keys, prefix);
                var match = patients.FirstOrDefault(p => p.Pseudonym == text)
                    ?? throw new UserErrorException($"no patient of the sources has the pseudonym {text}", ExitCodes.Failed);
                context.Console.Out.WriteLine($"{match.Pseudonym}\tissuer={match.Issuer}\tid={match.PatientId}\tname={match.PatientName}\tbirth={match.BirthDate}\tfiles={match.Files}");
            }
            else
            {
                context.Console.Out.WriteLine(PseudonymDirectory.PseudonymOf(keys, prefix, text, parse.GetValue(issuer)!));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Export(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var target = new Argument<string>("FILE") { Description = "CSV to write (default .dataforge/pseudonyms.csv).", DefaultValueFactory = _ => "" };
        var command = new Command("export", """
            Write the table of every patient of the sources: pseudonym, issuer, patient ID, name, birth
            date, number of files (CSV, mode 0600). Refuses to write into the output folder.

            Example:
              dataforge pseudonyms export
            """);
        command.Options.Add(file);
        command.Arguments.Add(target);
        command.SetAction(parse =>
        {
            var (manifest, keys, prefix) = Setup(context, parse.GetValue(file)!);
            var layout = PipelineFactory.Layout(manifest);
            var given = parse.GetValue(target)!;
            var path = given.Length == 0 ? Path.Combine(layout.StateRoot, "pseudonyms.csv") : context.Resolve(given);
            var output = Path.TrimEndingDirectorySeparator(layout.OutputRoot) + Path.DirectorySeparatorChar;
            if (path.StartsWith(output, StringComparison.Ordinal))
                throw new UserErrorException("the re-identification table may not be written into the output folder, which is shared");
            var (patients, unreadable) = PseudonymDirectory.Scan(Sources(manifest), keys, prefix);
            var csv = new StringBuilder("pseudonym,issuer,patient_id,patient_name,birth_date,files\n");
            foreach (var p in patients)
                csv.Append(string.Join(',', new[] { p.Pseudonym, p.Issuer, p.PatientId, p.PatientName, p.BirthDate, p.Files.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Select(Csv))).Append('\n');
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".tmp";
            File.WriteAllText(temp, csv.ToString());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temp, path, overwrite: true);
            context.Console.Out.WriteLine($"wrote {patients.Count} patients to {Path.GetRelativePath(context.WorkingDirectory, path)}" +
                                          (unreadable > 0 ? $" ({unreadable} files were not readable as DICOM)" : ""));
            return ExitCodes.Success;
        });
        return command;
    }

    private static (DataForgeManifest Manifest, KeyedIdentity Keys, string Prefix) Setup(CliContext context, string file)
    {
        var manifest = ManifestArguments.LoadOrFail(context, file);
        if (manifest.Deidentify is null) throw new UserErrorException("the manifest has no deidentify: section, so there are no pseudonyms");
        var layout = PipelineFactory.Layout(manifest);
        byte[] secret;
        try { secret = ProjectSecret.Resolve(manifest, layout, context.Environment, out _, create: false); }
        catch (InvalidOperationException e) { throw new UserErrorException(e.Message); }
        var policy = DeidPolicy.From(JsonDocument.Parse(manifest.Deidentify.ToJsonString()).RootElement);
        return (manifest, new KeyedIdentity(secret), policy.PseudonymPrefix);
    }

    private static IEnumerable<EngineSource> Sources(DataForgeManifest m) =>
        m.Sources.Where(s => s.Kind == "dicom").Select(s => new EngineSource(s.Id, m.Resolve(s.Path!), s.Include, s.Exclude));

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
