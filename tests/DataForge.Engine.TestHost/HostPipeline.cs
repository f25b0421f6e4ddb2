using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Sources;
using DataForge.Engine.Stages;

namespace DataForge.Engine.TestHost;

/// <summary>
/// The pipeline the host builds over <c>&lt;project&gt;/raw</c> (files whose first line is
/// "series=S"): header (map: metadata {"series"}), scramble (map, published: a keyed transform,
/// made slow on purpose by <c>work</c> rounds of SHA-256 so a kill lands mid-build), volume
/// (group by series, published) and manifest (reduce, published: one line per output).
/// </summary>
public static class HostPipeline
{
    public static Pipeline Create(string project, int work, string key = "k1") =>
        new([new SourceSpec("raw", Path.Combine(project, "raw"), ["**/*.txt"])],
        [
            new HeaderStage(),
            new ScrambleStage(work, key),
            new VolumeStage(),
            new ManifestStage(),
        ]);

    private sealed class HeaderStage : IStage
    {
        public StageDefinition Definition { get; } = new("header", 1, StageShape.Map, ["raw"]);

        public StageResult Run(StageInput input, CancellationToken cancellationToken)
        {
            var bytes = input.Item.ReadAllBytes();
            var text = Encoding.UTF8.GetString(bytes);
            var newline = text.IndexOf('\n');
            if (!text.StartsWith("series=", StringComparison.Ordinal) || newline < 0) return StageResult.Failed("no series line");
            var metadata = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["series"] = text[7..newline] });
            return StageResult.Success(new StageOutput($"{input.Item.Hash.Short}.hdr", bytes, metadata));
        }
    }

    private sealed class ScrambleStage(int work, string key) : IStage
    {
        public StageDefinition Definition { get; } =
            new("scramble", 1, StageShape.Map, ["header"], CanonicalJson.FromObject(new { work, key })) { Publish = true };

        public StageResult Run(StageInput input, CancellationToken cancellationToken)
        {
            var bytes = input.Item.ReadAllBytes();
            var pad = SHA256.HashData(Encoding.UTF8.GetBytes(input.Config.GetProperty("key").GetString()!));
            for (var i = 0; i < input.Config.GetProperty("work").GetInt32(); i++) pad = SHA256.HashData(pad.Concat(bytes).ToArray());
            var output = new byte[bytes.Length];
            for (var i = 0; i < bytes.Length; i++) output[i] = (byte)(bytes[i] ^ pad[i % pad.Length]);
            var series = input.Item.Metadata.GetProperty("series").GetString();
            return StageResult.Success(new StageOutput($"scrambled/{series}/{input.Item.Hash.Short}.bin", output, input.Item.Metadata));
        }
    }

    private sealed class VolumeStage : IStage
    {
        public StageDefinition Definition { get; } = new("volume", 1, StageShape.Group, ["header"]) { GroupBy = "series", Publish = true };

        public StageResult Run(StageInput input, CancellationToken cancellationToken)
        {
            using var joined = new MemoryStream();
            foreach (var item in input.Items)
            {
                using var stream = item.OpenRead();
                stream.CopyTo(joined);
            }
            return StageResult.Success(new StageOutput($"volumes/{input.GroupKey!.Trim('"')}.vol", joined.ToArray()));
        }
    }

    private sealed class ManifestStage : IStage
    {
        public StageDefinition Definition { get; } = new("manifest", 1, StageShape.Reduce, ["scramble", "volume"]) { Publish = true, ReadsInputPaths = true };

        public StageResult Run(StageInput input, CancellationToken cancellationToken)
        {
            var lines = input.Items.Select(i => $"{i.Path} {i.Size} {i.Hash}").Order(StringComparer.Ordinal);
            return StageResult.Success(new StageOutput("MANIFEST.txt", Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n")));
        }
    }
}
