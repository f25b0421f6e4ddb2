using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;
using DataForge.Stages.Curate;
using DataForge.Stages.Deidentify;
using DataForge.Synth;
using DataForge.Testing;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.Tests.Curate;

/// <summary>A project folder with synthetic DICOM under raw/, built through curation and de-identification.</summary>
internal sealed class CurationProject : IDisposable
{
    private static readonly byte[] Secret = "curation-secret-0123456789abcdef"u8.ToArray();
    private readonly TempDirectory _dir = new("dataforge-curation");

    public string Raw => _dir.Combine("raw");

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public void Dispose() => _dir.Dispose();

    /// <summary>Writes one patient (a CT and an MR series) unless told otherwise.</summary>
    public CurationProject Synth(int patients = 1, int slices = 5)
    {
        SynthWriter.Write(Raw, new SynthOptions { Patients = patients, Slices = slices, Matrix = 16 });
        return this;
    }

    /// <summary>Every DICOM file under raw/, sorted.</summary>
    public List<string> Files() => Directory.GetFiles(Raw, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    /// <summary>The files of the series whose study folder ends with the modality (synth writes PATIENT/DATE_MODALITY/SERIES/IMnnnn.dcm).</summary>
    public List<string> SeriesFiles(string modality, int patient = 0) =>
        Files().Where(f => Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(f))!).EndsWith("_" + modality, StringComparison.Ordinal))
            .GroupBy(f => Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(f))!)!).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ElementAt(patient).ToList();

    /// <summary>Reads a file, lets <paramref name="change"/> edit it, writes it to <paramref name="target"/> (default: in place).</summary>
    public static void Rewrite(string path, Action<DicomFile> change, string? target = null)
    {
        var file = DicomReader.ReadFile(path);
        change(file);
        File.WriteAllBytes(target ?? path, file.ToBytes());
    }

    /// <summary>The first 12 hex digits of SHA-256 of a file: how the report names it.</summary>
    public static string Ref(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..12];

    public BuildResult Build(string curate, int jobs = 2, string output = "out")
    {
        var section = JsonNode.Parse(curate)!.AsObject();
        var stages = new List<IStage>();
        var inputs = CurationPipeline.Add(stages, section, ["raw"], p => _dir.Combine(p), Secret);
        stages.Add(new DeidentifyStage(inputs, DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic"}""").RootElement), Secret));
        var engine = new BuildEngine(new StoreLayout(_dir.Path, _dir.Combine(output)));
        return engine.Build(new Pipeline([new EngineSource("raw", Raw)], stages), new BuildOptions { Jobs = jobs });
    }

    /// <summary>out/curation.json.</summary>
    public JsonElement Report(string output = "out") => JsonDocument.Parse(File.ReadAllBytes(_dir.Combine(output, "curation.json"))).RootElement;

    /// <summary>How many de-identified instances were published.</summary>
    public int Published(string output = "out") =>
        Directory.Exists(_dir.Combine(output, "dicom")) ? Directory.GetFiles(_dir.Combine(output, "dicom"), "*.dcm", SearchOption.AllDirectories).Length : 0;

    /// <summary>(item, check, effect, reason) of every finding in the report.</summary>
    public List<(string Item, string Check, string Effect, string Reason)> Findings(string output = "out") =>
        Report(output).GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("item").GetString()!, f.GetProperty("check").GetString()!, f.GetProperty("effect").GetString()!, f.GetProperty("reason").GetString()!))
            .ToList();

    /// <summary>The items the report lists as excluded.</summary>
    public HashSet<string> Excluded(string output = "out") =>
        Report(output).GetProperty("excluded_items").EnumerateArray().Select(e => e.GetProperty("item").GetString()!).ToHashSet(StringComparer.Ordinal);
}
