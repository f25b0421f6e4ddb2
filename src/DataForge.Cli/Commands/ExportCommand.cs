using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge export VERSION DIR</c>: writes a release's files from the store.</summary>
public static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var version = new Argument<string>("VERSION") { Description = "The release to export." };
        var dir = new Argument<string>("DIR") { Description = "An empty or new folder to write the release's files into." };
        var file = ManifestArguments.FileOption();
        var json = ManifestArguments.JsonOption("what was written");
        var command = new Command("export", """
            Write every file of a release into DIR from the store in .dataforge/objects, at its release
            path, checking each file's SHA-256 against the release manifest. When objects are missing
            (another machine's store, or removed by hand) nothing is written and they are listed; rebuild
            them with 'dataforge verify VERSION' on a checkout with the sources, or build the release's
            manifest.

            Example:
              dataforge export v1.0 ../dataset-v1.0
            """);
        command.Arguments.Add(version);
        command.Arguments.Add(dir);
        command.Options.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(context, parse.GetValue(version)!, parse.GetValue(dir)!, parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string version, string dir, string file, bool json)
    {
        var manifest = ManifestArguments.LoadOrFail(context, file);
        using var repo = ReleaseSupport.OpenRepository(manifest);
        var (tag, release) = ReleaseSupport.Find(repo, manifest, version);
        var target = context.Resolve(dir);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new UserErrorException($"{dir} is not empty; export into an empty or new folder");
        if (File.Exists(target)) throw new UserErrorException($"{dir} is a file; export into a folder");

        var layout = Projects.Project.ZoneOf(manifest).Layout;
        var objects = new ObjectStore(new PhysicalFileSystem(), layout.Objects);
        var missing = release.Files.Where(f => !objects.Contains(ContentHash.Parse(f.Sha256))).ToList();
        if (missing.Count > 0)
        {
            foreach (var f in missing.Take(20)) context.Console.Problem($"  not in the store: {f.Path} (sha256 {f.Sha256[..12]})");
            if (missing.Count > 20) context.Console.Problem($"  ... and {missing.Count - 20} more");
            throw new UserErrorException($"{missing.Count} of {release.Files.Count} files of {tag.Version} are not in this project's store; nothing was written", ExitCodes.Failed);
        }

        Directory.CreateDirectory(target);
        long bytes = 0;
        foreach (var f in release.Files)
        {
            var path = Path.Combine(target, f.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".part";
            using (var input = objects.OpenRead(ContentHash.Parse(f.Sha256)))
            using (var output = File.Create(temp))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = input.Read(buffer)) > 0)
                {
                    sha.AppendData(buffer, 0, n);
                    output.Write(buffer, 0, n);
                }
                if (Convert.ToHexStringLower(sha.GetHashAndReset()) != f.Sha256)
                {
                    output.Close();
                    File.Delete(temp);
                    throw new UserErrorException($"store object of {f.Path} does not hash to its release SHA-256 (the store is damaged); stopped", ExitCodes.Failed);
                }
            }
            File.Move(temp, path, overwrite: true);
            bytes += f.Size;
        }
        AuditTrail.Record(Projects.Project.ZoneOf(manifest), "export", new JsonObject { ["version"] = tag.Version, ["tag"] = tag.Tag, ["files"] = release.Files.Count, ["bytes"] = bytes });
        if (json) JsonOutput.Write(context.Console, new JsonObject { ["version"] = tag.Version, ["files"] = release.Files.Count, ["bytes"] = bytes, ["folder"] = dir });
        else context.Console.Out.WriteLine($"exported {tag.Version}: {release.Files.Count} files ({ReleaseSupport.Size(bytes)}) into {dir}");
        return ExitCodes.Success;
    }
}
