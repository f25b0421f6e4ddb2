using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify.Nifti;

/// <summary>nibabel, through Oracles/nifti_text.py: writes headers with planted text and extensions, and reads them back.</summary>
internal static class NiftiOracle
{
    private static string Script => Path.Combine(AppContext.BaseDirectory, "Oracles", "nifti_text.py");

    /// <summary>Writes a small volume with the spec's format, text fields, Analyze history numbers and extensions ([code, hex]).</summary>
    public static void Write(JsonObject spec, string path)
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        var specPath = path + ".spec.json";
        File.WriteAllText(specPath, spec.ToJsonString());
        var run = Oracle.Run(python, [Script, "write", specPath, path]);
        Assert.True(run.ExitCode == 0, run.StandardError);
    }

    /// <summary>What nibabel reads: text fields, data_history numbers, extensions (code, hex; nibabel strips trailing NULs), shape, affine, voxels.</summary>
    public static JsonElement Read(string path)
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        var run = Oracle.Run(python, [Script, "read", path]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return JsonDocument.Parse(run.StandardOutput).RootElement;
    }

    public static string Hex(string text) => Convert.ToHexStringLower(System.Text.Encoding.Latin1.GetBytes(text));
}
