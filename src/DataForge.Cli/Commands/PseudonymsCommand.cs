using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge pseudonyms lookup|export</c>: re-identification for the data controller, from the
/// encrypted vault (<c>.dataforge/vault.bin</c>) and the project secret. It prints or writes original
/// identities: use it only inside the private zone.
/// </summary>
public static class PseudonymsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("pseudonyms", """
            Re-identification, only with the project secret: a pseudonym back to its patient, a patient
            ID to its pseudonym, or the whole table, read from the encrypted vault .dataforge/vault.bin
            that each build keeps. Output holds original identities: keep it inside the private zone.
            With deidentify.mode anonymise there is no vault, by design.

            Example:
              dataforge pseudonyms lookup EX-7QK2M9T4ZC
            """);
        command.Subcommands.Add(Lookup(context));
        command.Subcommands.Add(Export(context));
        command.Subcommands.Add(Repair(context));
        return command;
    }

    private static Command Lookup(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var value = new Argument<string>("VALUE") { Description = "A pseudonym, or an original patient ID." };
        var issuer = new Option<string>("--issuer") { Description = "Issuer of Patient ID of an original ID.", DefaultValueFactory = _ => "" };
        var command = new Command("lookup", """
            A pseudonym: the patient it stands for. Anything else: the pseudonym of that patient ID
            (with --issuer when the sources carry Issuer of Patient ID). Exit 1 when the vault has no
            such patient.

            Example:
              dataforge pseudonyms lookup SYN100000 --issuer "SYNTHETIC GENERAL"
            """);
        command.Options.Add(file);
        command.Arguments.Add(value);
        command.Options.Add(issuer);
        command.SetAction(parse =>
        {
            var project = OpenProject(context, parse.GetValue(file)!);
            var vault = project.Vault!.Open();
            var text = parse.GetValue(value)!.Trim();
            var match = vault.FindByPseudonym(text);
            var id = match is null ? vault.Entries.FirstOrDefault(e => e.PatientId == text && e.Issuer == parse.GetValue(issuer)!.Trim()) : null;
            // What was asked (its kind and keyed hash), never the answer.
            AuditTrail.Record(project.Zone, "pseudonyms lookup", new JsonObject
            {
                ["asked"] = match is not null ? "pseudonym" : "patient-id",
                ["query_token"] = project.Vault.AuditToken(text),
                ["found"] = match is not null || id is not null,
            });
            if (match is not null)
            {
                context.Console.Out.WriteLine($"{match.Pseudonym}\tissuer={match.Issuer}\tid={match.PatientId}\t" +
                                              $"name={string.Join(" | ", match.Names)}\tbirth={string.Join(" | ", match.BirthDates)}");
                return ExitCodes.Success;
            }
            if (id is null)
                throw new UserErrorException("the vault has no patient with that pseudonym or patient ID (check --issuer; the vault knows the patients of the last builds)", ExitCodes.Failed);
            context.Console.Out.WriteLine(id.Pseudonym);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Export(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var target = new Argument<string>("FILE") { Description = "CSV to write (default .dataforge/pseudonyms.csv).", DefaultValueFactory = _ => "" };
        var command = new Command("export", """
            Write the vault's table: pseudonym, sequence number, issuer, patient ID, names, birth
            dates (CSV, mode 0600; several names or dates are joined with ' | '). Refuses to write
            into the output folder.

            Example:
              dataforge pseudonyms export
            """);
        command.Options.Add(file);
        command.Arguments.Add(target);
        command.SetAction(parse =>
        {
            var project = OpenProject(context, parse.GetValue(file)!);
            var vault = project.Vault!.Open();
            var layout = project.Zone.Layout;
            var given = parse.GetValue(target)!;
            var path = given.Length == 0 ? project.Zone.PseudonymsCsv : context.Resolve(given);
            var output = Path.TrimEndingDirectorySeparator(layout.OutputRoot) + Path.DirectorySeparatorChar;
            if (path.StartsWith(output, StringComparison.Ordinal))
                throw new UserErrorException("the re-identification table may not be written into the output folder, which is shared");
            var csv = new StringBuilder("pseudonym,seq,issuer,patient_id,names,birth_dates\n");
            var rows = vault.Entries.OrderBy(e => e.Seq ?? 0).ThenBy(e => e.Pseudonym, StringComparer.Ordinal).ToList();
            foreach (var e in rows)
                csv.Append(string.Join(',', new[]
                {
                    e.Pseudonym, e.Seq?.ToString(CultureInfo.InvariantCulture) ?? "", e.Issuer, e.PatientId,
                    string.Join(" | ", e.Names), string.Join(" | ", e.BirthDates),
                }.Select(Csv))).Append('\n');
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".tmp";
            File.WriteAllText(temp, csv.ToString());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temp, path, overwrite: true);
            AuditTrail.Record(project.Zone, "pseudonyms export", new JsonObject { ["patients"] = rows.Count, ["default_target"] = given.Length == 0 });
            context.Console.Out.WriteLine($"wrote {rows.Count} patients to {Path.GetRelativePath(context.WorkingDirectory, path)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Repair(CliContext context)
    {
        var file = ManifestArguments.FileOption();
        var command = new Command("repair", """
            Rebuild .dataforge/vault.bin from the sealed identities the store keeps (the current build's
            de-identified instances and volumes, and every release's), when the vault is damaged, truncated
            or was written under another secret. The vault that does not open is moved aside, not deleted.
            It cannot bring back patients whose instances are in neither (gone from the sources and from
            every release, then removed by gc), nor names or birth dates seen only in those.

            Example:
              dataforge pseudonyms repair
            """);
        command.Options.Add(file);
        command.SetAction(parse =>
        {
            var project = OpenProject(context, parse.GetValue(file)!);
            var result = project.Vault!.Repair();
            AuditTrail.Record(project.Zone, "pseudonyms repair", new JsonObject { ["patients"] = result.Patients, ["unopened"] = result.Unopened });
            if (result.MovedTo is not null) context.Console.Note($"moved the vault that did not open to {project.Zone.Show(result.MovedTo)}");
            context.Console.Out.WriteLine($"vault rebuilt: {result.Patients} patient{(result.Patients == 1 ? "" : "s")} from the store's sealed identities ({project.Zone.Show(project.Zone.Vault)})");
            if (result.Unopened > 0)
            {
                context.Console.Problem($"{result.Unopened} sealed identit{(result.Unopened == 1 ? "y" : "ies")} in the store did not open under the project secret " +
                                        "(made under another secret): those patients are not in the vault");
                return ExitCodes.Failed;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The project with its real secret and a vault; every way this can fail is a plain error with exit 2.</summary>
    private static Projects.Project OpenProject(CliContext context, string file)
    {
        var manifest = ManifestArguments.LoadOrFail(context, file);
        if (manifest.Deidentify is null) throw new UserErrorException("the manifest has no deidentify: section, so there are no pseudonyms");
        var project = Projects.Project.Open(manifest, ProjectArguments.Options(context, requiresSecret: true));
        if (project.Vault is not { Kept: true })
            throw new UserErrorException("deidentify.mode is anonymise: no vault is kept, so no pseudonym can be traced back to a patient");
        return project;
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
