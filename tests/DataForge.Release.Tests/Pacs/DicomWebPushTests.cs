using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Release.Tests.Pacs;

/// <summary><c>dataforge push</c> against a real Orthanc (see <see cref="OrthancServer"/>): what arrives, idempotence, refusals.</summary>
public sealed class DicomWebPushTests
{
    private const string Secret = "dicomweb-push-secret-0123456789abcdef";

    private static string Publish(OrthancServer server, int batch = 5) => $"""
        publish:
          research:
            url: {server.DicomWebUrl}
            auth: {"{"}basic: env:RESEARCH_AUTH{"}"}
            batch: {batch}
        """;

    [SkippableFact]
    public void After_push_the_destination_holds_exactly_the_release_instances_and_a_second_push_sends_none()
    {
        using var server = OrthancServer.Start();
        using var project = new DicomWebProject("    kind: dicom\n    path: raw", Secret, Publish(server));
        project.Environment["RESEARCH_AUTH"] = $"{OrthancServer.User}:{server.Password}";
        project.Synth("raw", new SynthOptions { Patients = 2, Slices = 3, Matrix = 16 });
        project.InitGit();
        project.Run("build").AssertExit(0);
        project.Run("release", "v1", "-m", "first").AssertExit(0);

        var first = project.Run("push", "v1", "--to", "research").AssertExit(0);
        Assert.Contains("push v1 to research: 12 instances: 12 sent", first.Out);
        Assert.Contains(", 0 already there", first.Out);

        // The release's instances, read back from the exported release: by SOP Instance UID and by bytes.
        project.Run("export", "v1", "exported").AssertExit(0);
        var released = Directory.GetFiles(project.Combine("exported"), "*.dcm", SearchOption.AllDirectories)
            .ToDictionary(f => DicomFile.OpenHeader(f).Dataset.GetString(DicomTags.SOPInstanceUID)!.TrimEnd('\0'), f => Sha(File.ReadAllBytes(f)), StringComparer.Ordinal);
        Assert.Equal(12, released.Count);
        var held = server.Instances().ToDictionary(p => p.Key, p => Sha(p.Value), StringComparer.Ordinal);
        Assert.Equal(released.OrderBy(p => p.Key, StringComparer.Ordinal), held.OrderBy(p => p.Key, StringComparer.Ordinal));

        var second = JsonNode.Parse(project.Run("push", "v1", "--to", "research", "--json").AssertExit(0).Out)!;
        Assert.Equal(0, second["sent"]!.GetValue<int>());
        Assert.Equal(12, second["already_there"]!.GetValue<int>());
        Assert.Equal(12, server.InstanceIds().Count);
        Assert.Contains("\"command\":\"push\"", File.ReadAllText(project.Combine(".dataforge", "audit.log")));
    }

    [SkippableFact]
    public void A_release_made_without_deidentification_is_not_pushed_and_an_unknown_destination_is_named()
    {
        using var server = OrthancServer.Start();
        using var project = new DicomWebProject("    kind: dicom\n    path: raw", Secret, Publish(server));
        File.WriteAllText(project.Combine("dataforge.yaml"), File.ReadAllText(project.Combine("dataforge.yaml")).Replace("deidentify:\n  profile: basic\n", ""));
        project.Environment["RESEARCH_AUTH"] = $"{OrthancServer.User}:{server.Password}";
        project.Synth("raw", new SynthOptions { Patients = 1, Slices = 2, Matrix = 16 });
        project.InitGit();
        project.Run("build").AssertExit(0);
        project.Run("release", "v1", "-m", "raw only").AssertExit(0);

        var refused = project.Run("push", "v1", "--to", "research");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("release v1 was made without deidentify:, so no leak gate passed on it", refused.Error);
        Assert.Empty(server.InstanceIds());

        var unknown = project.Run("push", "v1", "--to", "elsewhere");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no destination 'elsewhere' under publish: (there are: research)", unknown.Error);
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
