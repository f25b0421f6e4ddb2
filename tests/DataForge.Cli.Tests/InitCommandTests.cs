using DataForge.Testing;

namespace DataForge.Cli.Tests;

public sealed class InitCommandTests
{
    [Fact]
    public void Init_writes_a_starter_manifest_that_validates()
    {
        using var dir = new TempDirectory();
        var init = CliRunner.Run(dir.Path, "init", "chest-ct");
        Assert.Equal(0, init.ExitCode);
        Assert.True(File.Exists(dir.Combine("chest-ct", "dataforge.yaml")));
        Assert.True(Directory.Exists(dir.Combine("chest-ct", "raw")));

        var validate = CliRunner.Run(dir.Combine("chest-ct"), "validate");
        Assert.Equal("", validate.Error);
        Assert.Equal(0, validate.ExitCode);
        Assert.Contains("valid (chest-ct:", validate.Out);
    }

    [Fact]
    public void The_starter_source_reads_DICOM_named_with_or_without_dcm_and_leaves_out_the_index_and_documents_of_an_export()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run(dir.Path, "init").ExitCode);
        var loaded = DataForge.Manifest.ManifestLoader.Create().Load(dir.Combine("dataforge.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        var spec = Assert.Single(loaded.Manifest!.Sources);
        Assert.Equal("exclude", spec.OnUnreadable);
        var source = new DataForge.Engine.Sources.SourceSpec(spec.Id, dir.Combine("raw"), spec.Include, spec.Exclude);
        // Layouts of real exports: media file-sets, vendor exports named by UID or number, with and without .dcm.
        string[] read =
        [
            "PA000000/ST000001/SE000001/IM000001", "DOE_JOHN/CT/1.2.840.113619.2.55.3.604688.1.dcm", "IMG0001.DCM",
            "S0001/I0001", "exam/series 2/IM-0001-0001.dcm", "scan/image.ima",
        ];
        string[] left =
        [
            "DICOMDIR", "cd/DICOMDIR", "LOCKFILE", "README.TXT", "README", "readme.txt", "docs/report.pdf", "viewer/viewer.exe",
            "viewer/lib.dll", "preview.jpg", "thumbs/1.png", "index.html", "AUTORUN.INF", "export.xml", "study.json", ".DS_Store",
        ];
        Assert.All(read, path => Assert.True(source.Contains(path), path));
        Assert.All(left, path => Assert.False(source.Contains(path), path));
    }

    [Fact]
    public void Init_keeps_the_private_store_and_outputs_out_of_git()
    {
        using var dir = new TempDirectory();
        dir.WriteText(".gitignore", "*.log\n");
        CliRunner.Run(dir.Path, "init");
        var lines = File.ReadAllLines(dir.Combine(".gitignore"));
        Assert.Contains("*.log", lines);
        Assert.Contains(".dataforge/", lines);
        Assert.Contains("out/", lines);
        CliRunner.Run(dir.Path, "init", "--force");
        Assert.Single(File.ReadAllLines(dir.Combine(".gitignore")), l => l == ".dataforge/");
    }

    [Fact]
    public void Init_refuses_to_overwrite_a_manifest_without_force()
    {
        using var dir = new TempDirectory();
        dir.WriteText("dataforge.yaml", "version: 1\n");
        var result = CliRunner.Run(dir.Path, "init");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("dataforge: dataforge.yaml already exists; use --force to overwrite it", result.Error.Trim());
        Assert.Equal("version: 1\n", File.ReadAllText(dir.Combine("dataforge.yaml")));
    }

    [Theory]
    [InlineData("/data/Chest CT 2024", "chest-ct-2024")]
    [InlineData("/data/___", "dataset")]
    public void The_dataset_name_is_derived_from_the_folder(string folder, string expected) =>
        Assert.Equal(expected, Commands.InitCommand.DatasetName(folder));
}
