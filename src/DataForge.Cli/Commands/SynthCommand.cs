using System.CommandLine;
using System.Globalization;
using DataForge.Synth;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge synth DIR</c>: synthetic DICOM studies of fake patients for examples, tests and benchmarks.</summary>
public static class SynthCommand
{
    public static Command Create(CliContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "Folder to write into (created; must be empty unless --force)." };
        var patients = new Option<int>("--patients") { Description = "Number of fake patients.", DefaultValueFactory = _ => 3 };
        var slices = new Option<int>("--slices") { Description = "Slices per series.", DefaultValueFactory = _ => 16 };
        var matrix = new Option<int>("--matrix") { Description = "Rows and columns per slice.", DefaultValueFactory = _ => 64 };
        var seed = new Option<ulong>("--seed") { Description = "Same seed, same bytes.", DefaultValueFactory = _ => 1UL };
        var modalities = new Option<string>("--modalities") { Description = "CT, MR or CT,MR.", DefaultValueFactory = _ => "CT,MR" };
        var syntax = new Option<string>("--transfer-syntax")
        {
            Description = "explicit-le, implicit-le, explicit-be or deflated.",
            DefaultValueFactory = _ => "explicit-le",
        };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Parallel writers (default: all cores)." };
        var force = new Option<bool>("--force") { Description = "Write into a folder that is not empty." };
        var command = new Command("synth", """
            Write synthetic DICOM data: per fake patient a chest CT (axial, HU) and a head MR (sagittal),
            each a series of parallel slices with consistent geometry and ellipsoids in the pixels, with
            obviously fake identifiers in every place real exports carry them (patient, physicians,
            institution, dates, free text, a private block, a nested sequence, folder names). The same
            options always give the same bytes. For examples, tests and benchmarks.

            Example:
              dataforge synth corpus --patients 100 --slices 200 --matrix 512
            """);
        command.Arguments.Add(dir);
        foreach (var o in new Option[] { patients, slices, matrix, seed, modalities, syntax, jobs, force }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var options = new SynthOptions
            {
                Patients = parse.GetValue(patients),
                Slices = parse.GetValue(slices),
                Matrix = parse.GetValue(matrix),
                Seed = parse.GetValue(seed),
                Modalities = parse.GetValue(modalities)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(m => m.ToUpperInvariant()).Distinct().ToList(),
                TransferSyntax = parse.GetValue(syntax)!,
            };
            return Run(context, parse.GetValue(dir)!, options, parse.GetValue(jobs), parse.GetValue(force));
        });
        return command;
    }

    private static int Run(CliContext context, string dir, SynthOptions options, int jobs, bool force)
    {
        if (options.Problem() is { } problem) throw new UserErrorException("synth: " + problem);
        if (jobs < 0) throw new UserErrorException("synth: --jobs must be 0 (all cores) or more");
        var root = context.Resolve(dir);
        if (File.Exists(root)) throw new UserErrorException($"{dir} is a file; synth writes into a folder");
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any() && !force)
            throw new UserErrorException($"{dir} is not empty; choose an empty folder or pass --force");
        Directory.CreateDirectory(root);
        var summary = SynthWriter.Write(root, options, jobs);
        var mb = (summary.Bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
        context.Console.Out.WriteLine(
            $"wrote {summary.Files} files ({summary.Series} series of {summary.Patients} fake patient{(summary.Patients == 1 ? "" : "s")}, {mb} MB) under {dir}");
        return ExitCodes.Success;
    }
}
