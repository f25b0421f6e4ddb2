using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Manifest.Model;

namespace DataForge.Manifest.Tests;

/// <summary>
/// The hand-written binding of the typed sections gives what the reflection-based serializer gave with the options
/// the loader used before (snake_case, unknown members refused): same records, same defaults, same refusals.
/// </summary>
public sealed class SectionBinderTests
{
    private static readonly JsonSerializerOptions Reflection = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    // Both records written out by the serializer: records holding lists compare by reference, their JSON by value.
    private static void Same<T>(string json, Func<JsonNode, T> bind)
    {
        var node = JsonNode.Parse(json)!;
        var expected = node.Deserialize<T>(Reflection);
        var actual = bind(node);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
    }

    public static TheoryData<string> SourceLists => new()
    {
        """[{"id": "ct", "kind": "dicom", "path": "raw"}]""",
        """[{"id": "ct", "kind": "dicom", "path": "raw", "include": ["**/*.dcm"], "exclude": ["tmp/**", "x"], "on_unreadable": "fail", "subject": "(?<s>[0-9]+)"}]""",
        """[{"id": "p", "kind": "dicomweb", "url": "https://pacs/dicom-web", "query": {"Modality": "CT", "n": [1, 2.5]}, "auth": {"basic": "env:U", "bearer": null}, "ca_file": "ca.pem"}]""",
        """[{"id": "l", "kind": "labels", "path": "labels", "format": "nifti", "key": "k", "modality": "SEG", "fields": {"a": "b", "c": null}, "metadata": "m.csv"}]""",
        """[{"id": "a", "kind": "dicom", "path": null, "include": null, "auth": null, "fields": null, "query": null}, {"id": "b", "kind": "png", "path": "img"}]""",
        """[]""",
    };

    [Theory]
    [MemberData(nameof(SourceLists))]
    public void Sources_bind_as_the_serializer_bound_them(string json) => Same(json, SectionBinder.Sources);

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"path": "dist", "layout": "nifti", "compress": false, "link": "copy", "png": {"window": "auto", "size": [256, 256]}}""")]
    [InlineData("""{"path": "o", "png": null}""")]
    public void Output_binds_as_the_serializer_bound_it(string json) => Same(json, SectionBinder.Output);

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"branch": "data", "tag_prefix": "ds-", "card": false}""")]
    [InlineData("""{"card": true}""")]
    [InlineData("""{"card": {"text": "CARD.md", "thumbnails": 4}}""")]
    public void Release_binds_as_the_serializer_bound_it(string json) => Same(json, SectionBinder.Release);

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"executor": "slurm"}""")]
    [InlineData("""{"slurm": {}}""")]
    [InlineData("""{"executor": "slurm", "slurm": {"partition": "p", "account": "a", "time_limit": "0-01:00", "cpus_per_task": 4, "mem_per_task": "8G", "max_array_size": 10, "sbatch_flags": ["--qos=x"], "retries": 0, "poll_seconds": 0.5}}""")]
    public void Execution_binds_as_the_serializer_bound_it(string json) => Same(json, SectionBinder.Execution);

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"archive": {"url": "https://pacs/dicom-web"}, "other": {"kind": "dicomweb", "url": "u", "auth": {"bearer": "env:T"}, "ca_file": "c", "batch": 7}}""")]
    public void Publish_binds_as_the_serializer_bound_it(string json) => Same(json, SectionBinder.Publish);

    [Theory]
    [InlineData("""[{"id": "ct", "kind": "dicom", "colour": "blue"}]""")]
    [InlineData("""[{"kind": "dicom"}]""")]
    [InlineData("""[{"id": "ct"}]""")]
    [InlineData("""[{"id": "ct", "kind": "dicom", "auth": {"digest": "x"}}]""")]
    public void A_source_the_serializer_refused_is_refused(string json)
    {
        var node = JsonNode.Parse(json)!;
        Assert.ThrowsAny<JsonException>(() => node.Deserialize<List<SourceSpec>>(Reflection));
        Assert.ThrowsAny<JsonException>(() => SectionBinder.Sources(node));
    }

    [Theory]
    [InlineData("""{"layout": "nifti", "zip": true}""")]
    public void An_output_the_serializer_refused_is_refused(string json)
    {
        var node = JsonNode.Parse(json)!;
        Assert.ThrowsAny<JsonException>(() => node.Deserialize<OutputSpec>(Reflection));
        Assert.ThrowsAny<JsonException>(() => SectionBinder.Output(node));
    }

    [Theory]
    [InlineData("""{"archive": {"kind": "dicomweb"}}""")]
    [InlineData("""{"archive": {"url": "u", "size": 3}}""")]
    public void A_publish_target_the_serializer_refused_is_refused(string json)
    {
        var node = JsonNode.Parse(json)!;
        Assert.ThrowsAny<JsonException>(() => node.Deserialize<Dictionary<string, PublishTarget>>(Reflection));
        Assert.ThrowsAny<JsonException>(() => SectionBinder.Publish(node));
    }

    [Fact]
    public void The_repository_example_binds_as_the_serializer_bound_it()
    {
        var path = Path.Combine(DataForge.Testing.TestData.RepositoryRoot, "dataforge.yaml");
        var manifest = ManifestLoader.Create().Load(path).Manifest!;
        var root = manifest.Document.Root!.AsObject();
        Same(root["sources"]!.ToJsonString(), SectionBinder.Sources);
        Same(root["output"]!.ToJsonString(), SectionBinder.Output);
    }
}
