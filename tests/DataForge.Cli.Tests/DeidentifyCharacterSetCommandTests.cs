using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// A study whose descriptions are Japanese (ISO 2022 IR 87, with and without JIS X 0201 as the first set) or Korean
/// (ISO 2022 IR 149) and quote the patient's name builds with clean-descriptors: every instance is published, its
/// description cleaned and written in its own character set, and pydicom reads it back.
/// </summary>
public sealed class DeidentifyCharacterSetCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-cli-charsets");

    public void Dispose() => _dir.Dispose();

    private static readonly (string File, string Description, string Words)[] Inputs =
    [
        ("chrH31", "頭部MRI やまだ", "頭部MRI"),
        ("chrH32", "頭部MRI やまだ", "頭部MRI"),
        ("chrI2", "흉부 길동", "흉부"),
    ];

    [SkippableFact]
    public void Japanese_and_Korean_studies_build_with_clean_descriptors_and_keep_their_character_set()
    {
        var python = Oracle.RequirePython("pydicom");
        Assert.Equal(0, CliRunner.Run(_dir.Path, "init").ExitCode);
        Directory.CreateDirectory(_dir.Combine("raw"));
        // pydicom writes the inputs in their own character sets, from its charset_files (PS3.5 Annexes H and I).
        string[] lines =
        [
            "import os, pydicom",
            "folder = os.path.join(os.path.dirname(pydicom.__file__), 'data', 'charset_files')",
            .. Inputs.Select(i => $"ds = pydicom.dcmread(os.path.join(folder, '{i.File}.dcm')); ds.StudyDescription = '{i.Description}'; ds.SeriesDescription = '{i.Words}'; ds.save_as('raw/{i.File}.dcm')"),
        ];
        var write = string.Join('\n', lines);
        var written = Oracle.Run(python, ["-c", write], workingDirectory: _dir.Path);
        Assert.True(written.ExitCode == 0, written.StandardError);
        var manifest = _dir.Combine("dataforge.yaml");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("  path: out\n", "  path: out\n  layout: dicom\n")
            + "\ndeidentify:\n  profile: basic\n  options: [clean-descriptors]\n");

        var build = CliRunner.Run(_dir.Path, "build");
        Assert.True(build.ExitCode == 0, build.Error + build.Out);
        Assert.Contains("deidentify: 3 items: 3 ran, 0 cached, 0 failed", build.Out);
        var outputs = Directory.GetFiles(_dir.Combine("out", "dicom"), "*.dcm", SearchOption.AllDirectories);
        Assert.Equal(3, outputs.Length);

        var read = Oracle.Run(python, ["-c", string.Join('\n',
            "import json, sys, warnings, pydicom",
            "warnings.simplefilter('error')",
            "for path in sys.argv[1:]:",
            "    ds = pydicom.dcmread(path)",
            "    print(json.dumps({'terms': list(ds.SpecificCharacterSet), 'study': str(ds.StudyDescription), 'series': str(ds.SeriesDescription)}, ensure_ascii=False))"),
            .. outputs]);
        Assert.True(read.ExitCode == 0, read.StandardError);
        var results = read.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (var words in Inputs.Select(i => i.Words).Distinct())
            Assert.Equal(Inputs.Count(i => i.Words == words),
                results.Count(r => r.GetProperty("series").GetString() == words && r.GetProperty("study").GetString() == words + " XXXX"));
        // Cleaned text is written in the instance's own character set: no output gave way to ISO_IR 192.
        Assert.All(results, r => Assert.Contains(r.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!), t => t.StartsWith("ISO 2022", StringComparison.Ordinal)));
    }
}
