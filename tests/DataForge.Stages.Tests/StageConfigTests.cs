using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Tests;

/// <summary>
/// A stage's configuration made canonical without the reflection-based serializer is the same text (so the same
/// action keys: a no-op build after an upgrade stays a no-op) as through the serializer, for every kind of value.
/// </summary>
public sealed class StageConfigTests
{
    private static void Same(object value) =>
        Assert.Equal(CanonicalJson.Parse(JsonSerializer.Serialize(value)).Text, StageConfig.Canonical(value).Text);

    private enum Mode { First, Second }

    public static TheoryData<object> Values()
    {
        using var policy = JsonDocument.Parse("""{"profile": "basic", "options": ["clean-descriptors"], "n": 1.50, "big": 12345678901234, "neg": -0.0, "s": "é <&> \"q\" \u0001", "nested": {"b": [true, null], "a": {}}}""");
        return new TheoryData<object>
        {
            new Dictionary<string, string> { ["source"] = "ct", ["on_unreadable"] = "exclude" },
            new Dictionary<string, object>
            {
                ["policy"] = policy.RootElement.Clone(),
                ["secret_fingerprint"] = "abc",
                ["numbers"] = new SortedDictionary<string, int>(StringComparer.Ordinal) { ["z"] = 2, ["a"] = 1 },
                ["screened"] = true,
            },
            new Dictionary<string, object>
            {
                ["profile"] = "basic",
                ["options"] = new[] { "b", "a" },
                ["overrides"] = new List<Dictionary<string, string>> { new() { ["tag"] = "(0010,0010)", ["action"] = "X" } },
                ["max_date_shift_days"] = 365,
                ["visual_features"] = new { body_parts = new[] { "HEAD" }, min_slices = 20 },
                ["long"] = 1L << 40,
                ["double"] = 0.1,
                ["float"] = 0.1f,
                ["enum"] = Mode.Second,
                ["null"] = null!,
                ["empty"] = new List<string>(),
                ["map"] = new Dictionary<int, string> { [3] = "three" },
                ["node"] = System.Text.Json.Nodes.JsonNode.Parse("""{"k": [1, "two"]}""")!,
            },
            new[] { "x", "y" },
            "plain",
        };
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Canonical_is_the_serializers_canonical_text(object value) => Same(value);

    [Fact]
    public void The_deidentify_stages_keep_their_action_configuration()
    {
        // A policy with options and overrides: the stage's configuration must be the text the serializer gave.
        using var config = JsonDocument.Parse("""
            {"profile": "basic", "options": ["retain-longitudinal-modified-dates", "clean-descriptors"], "pseudonym_prefix": "EX-",
             "overrides": [{"tag": "(0008,103E)", "action": "keep"}]}
            """);
        var policy = DeidPolicy.From(config.RootElement);
        var stage = new DeidentifyStage(["ct"], policy, new byte[32], screened: true);
        var settings = new Dictionary<string, object> { ["policy"] = policy.Config, ["secret_fingerprint"] = new KeyedIdentity(new byte[32]).Fingerprint, ["screened"] = true };
        Assert.Equal(CanonicalJson.Parse(JsonSerializer.Serialize(settings)).Text, stage.Definition.Config.Text);
    }
}
