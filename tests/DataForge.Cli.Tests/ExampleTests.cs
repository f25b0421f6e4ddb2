using System.Text;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>The README's main job: build the repository's example, in a copy so the checkout stays clean.</summary>
public sealed class ExampleTests
{
    [Fact]
    public void The_example_builds_into_de_identified_dicom_without_the_fake_patients_names()
    {
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(TestData.RepositoryRoot, "dataforge.yaml"), dir.Combine("dataforge.yaml"));
        CopyFolder(Path.Combine(TestData.RepositoryRoot, "examples", "dicom"), dir.Combine("examples", "dicom"));
        var env = new Dictionary<string, string>();

        var build = CliRunner.Run(dir.Path, env, "build");
        Assert.Equal(0, build.ExitCode);
        Assert.Contains("created the project secret", build.Error);
        var outputs = Directory.GetFiles(dir.Combine("out"), "*.dcm", SearchOption.AllDirectories);
        Assert.Equal(96, outputs.Length);
        Assert.Equal(3, Directory.GetDirectories(dir.Combine("out", "dicom")).Length);
        foreach (var file in outputs)
        {
            var text = Encoding.Latin1.GetString(File.ReadAllBytes(file)).ToUpperInvariant();
            foreach (var name in new[] { "MUSTERMANN", "ERIKA", "BLOGGS", "SYN100000", "SYN107919" })
            {
                Assert.DoesNotContain(name, text);
                Assert.DoesNotContain(name, file.ToUpperInvariant());
            }
        }
        Assert.DoesNotContain("MUSTERMANN", (build.Out + build.Error).ToUpperInvariant());

        var again = CliRunner.Run(dir.Path, env, "build");
        Assert.Contains("deidentify: 96 items: 0 ran, 96 cached, 0 failed", again.Out);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
