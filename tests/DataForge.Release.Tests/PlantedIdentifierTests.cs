using System.Text;
using DataForge.Dicom;
using DataForge.Testing;

namespace DataForge.Release.Tests;

/// <summary>
/// No identifier of a source leaves .dataforge/: a patient's name and record number planted in its folder name, its
/// file names and its headers appear in no command's stdout, stderr or --json, on the success and failure paths a user
/// meets (a duplicate SOP Instance UID, a damaged file, a refused release, unknown names), nor in any byte of out/, of
/// an exported release, or of any Git object (blobs, trees, commits, tags).
/// </summary>
public sealed class PlantedIdentifierTests
{
    private const string Surname = "QUIXOTEPLANT";
    private const string Given = "ZEBULONPLANT";
    private const string Mrn = "MRN93817264";
    private static readonly string[] Planted = [Surname, Given, Mrn, Mrn[3..]];

    /// <summary>The first synthetic patient, moved under a folder and file names made of the planted identity, its headers rewritten to it.</summary>
    private static List<string> PlantPatient(ReleaseProject p)
    {
        var first = Directory.GetDirectories(p.Combine("raw")).Order(StringComparer.Ordinal).First();
        var folder = p.Combine("raw", $"{Surname}_{Given}_{Mrn}");
        Directory.Move(first, folder);
        var files = new List<string>();
        foreach (var file in Directory.GetFiles(folder, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var dicom = DicomFile.Open(file);
            dicom.Dataset.Add(DicomTags.PatientName, $"{Surname}^{Given}");
            dicom.Dataset.Add(DicomTags.PatientID, Mrn);
            var renamed = Path.Combine(Path.GetDirectoryName(file)!, $"{Surname}_{Mrn}_{Path.GetFileName(file)}");
            dicom.Save(renamed);
            File.Delete(file);
            files.Add(renamed);
        }
        return files;
    }

    [SkippableFact]
    public void Planted_identifiers_appear_in_no_output_message_json_exported_file_or_git_object_of_any_command()
    {
        using var p = new ReleaseProject();
        var files = PlantPatient(p);
        var results = new List<(string Command, CliResult Result)>();
        CliResult Run(int? exit, params string[] args)
        {
            var result = p.Run(args);
            if (exit is { } expected) result.AssertExit(expected);
            results.Add((string.Join(' ', args), result));
            return result;
        }
        var yaml = File.ReadAllText(p.Combine("dataforge.yaml"));

        Run(0, "validate");
        Run(0, "validate", "--json");
        Run(null, "status");
        Run(null, "status", "--json");
        Run(0, "build");
        Run(0, "build", "--json");
        Run(null, "log");
        Run(0, "release", "v1", "-m", "First cohort");
        Run(2, "release", "v1", "--json");
        Run(0, "log");
        Run(0, "log", "--json");
        Run(0, "verify", "v1");
        Run(0, "verify", "v1", "--json");
        Run(0, "export", "v1", "exported-1");
        Run(0, "export", "v1", "exported-2", "--json");
        var instance = Directory.GetFiles(p.Combine("out", "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        Run(0, "inspect", instance);
        Run(0, "inspect", instance, "--json");
        Run(0, "pseudonyms", "export", p.Combine(".dataforge", "table.csv"));
        Run(null, "pseudonyms", "lookup", "NO-SUCH-PSEUDONYM");
        Run(null, "verify", "v9");
        Run(null, "diff", "v1", "v9");
        // The dataset card on stdout (the committed one is a Git blob, searched below).
        Run(0, "report", "v1", "-o", "-");
        Run(0, "report", "HEAD", "-o", "-");
        Run(null, "report", "v9");
        // The audit trail, the store check and a vault repair: their output names no one either.
        Run(0, "audit");
        Run(0, "audit", "--verify", "--json");
        Run(0, "fsck");
        Run(0, "fsck", "--json");

        // A second file with the SOP Instance UID of a planted one and other content: both map to one output path.
        var duplicate = Path.Combine(Path.GetDirectoryName(files[0])!, $"{Surname}_COPY_{Mrn}.dcm");
        var copy = DicomFile.Open(files[0]);
        copy.Dataset.Add(DicomTags.InstanceNumber, "999");
        copy.Save(duplicate);
        Run(null, "status");
        Run(null, "status", "-v");
        Run(null, "status", "--json");
        var failed = Run(1, "build");
        Assert.Contains("also written, with other content, by deidentify item #", failed.Error);
        Run(1, "build", "--json");
        Run(1, "release", "v2");
        File.Delete(duplicate);

        // A damaged file named after the patient: a failure with on_unreadable: fail, excluded and listed by hash without.
        var damaged = Path.Combine(Path.GetDirectoryName(files[0])!, $"{Surname}_{Given}_BROKEN.dcm");
        var bytes = File.ReadAllBytes(files[1]);
        File.WriteAllBytes(damaged, bytes[..(bytes.Length - 100)]);
        File.WriteAllText(p.Combine("dataforge.yaml"), yaml.Replace("on_unreadable: exclude", "on_unreadable: fail", StringComparison.Ordinal));
        Assert.Contains("(on_unreadable: fail)", Run(1, "build").Error);
        Run(1, "build", "--json");
        Run(1, "release", "v2", "--json");
        File.WriteAllText(p.Combine("dataforge.yaml"), yaml);
        Run(0, "build");
        Run(0, "build", "--json");
        Run(0, "release", "v2", "-m", "Second cohort");
        Run(0, "diff", "v1", "v2");
        Run(0, "diff", "v1", "v2", "--json");
        Run(0, "verify", "v2");
        Run(0, "gc");
        Run(0, "gc", "--json");

        foreach (var (command, result) in results)
            foreach (var planted in Planted)
            {
                Assert.False(result.Out.Contains(planted, StringComparison.OrdinalIgnoreCase), $"{planted} in the stdout of '{command}':\n{result.Out}");
                Assert.False(result.Error.Contains(planted, StringComparison.OrdinalIgnoreCase), $"{planted} in the stderr of '{command}':\n{result.Error}");
            }
        foreach (var folder in new[] { "out", "exported-1", "exported-2", "releases" })
            foreach (var file in Directory.GetFiles(p.Combine(folder), "*", SearchOption.AllDirectories))
                AssertNoneIn(Encoding.Latin1.GetString(File.ReadAllBytes(file)) + "\n" + Path.GetRelativePath(p.Path, file), $"{folder} file {Path.GetRelativePath(p.Path, file)}");
        // Every object in the repository, reachable or not, and the refs' messages, as system git prints them.
        AssertNoneIn(p.Git("cat-file", "--batch-all-objects", "--batch"), "a Git object");
        AssertNoneIn(p.Git("log", "--all", "--format=%H %an %ae %s%n%b"), "a commit message");
        AssertNoneIn(p.Git("for-each-ref", "--format=%(refname) %(contents)"), "a tag message");
        Assert.Equal(2, p.Git("tag", "--list").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static void AssertNoneIn(string text, string where)
    {
        foreach (var planted in Planted)
            Assert.False(text.Contains(planted, StringComparison.OrdinalIgnoreCase), $"{planted} in {where}");
    }
}
