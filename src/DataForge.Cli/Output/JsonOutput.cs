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

    /// <summary>The document of a command that could not run: the kind of error and its messages.</summary>
    public static JsonObject Error(string kind, IEnumerable<string> messages)
    {
        var list = new JsonArray();
        foreach (var m in messages) list.Add(m);
        return new JsonObject { ["error"] = kind, ["messages"] = list };
    }

    public static void Write(CliConsole console, JsonNode document)
    {
        console.Out.WriteLine(document.ToJsonString(Options));
        console.Out.Flush();
    }
}
