using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Cli.Output;

/// <summary>Writes the one JSON document that --json promises on stdout.</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(CliConsole console, JsonNode document)
    {
        console.Out.WriteLine(document.ToJsonString(Options));
        console.Out.Flush();
    }
}
