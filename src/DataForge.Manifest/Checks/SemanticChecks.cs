using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Manifest.Model;

namespace DataForge.Manifest.Checks;

/// <summary>
/// The generic checks a schema cannot express: unique source ids, source folders that exist, an output
/// folder that overlaps no source and not the private store, NIfTI-source settings. Each section's own
/// checks (curate, deidentify, harmonise, labels, splits, output layouts) are made by the module that
/// owns it (<see cref="ISectionChecks"/>), not here.
/// </summary>
public static class SemanticChecks
{
    /// <summary>Runs every check; <paramref name="manifest"/> has already passed the schema.</summary>
    public static IReadOnlyList<ManifestDiagnostic> Run(DataForgeManifest manifest)
    {
        var problems = new List<ManifestDiagnostic>();
        void Report(string path, string message, bool atKey = false) =>
            problems.Add(new ManifestDiagnostic(manifest.FilePath,
                atKey ? manifest.Document.KeyAt(path) : manifest.Document.ValueAt(path), message));

        CheckSources(manifest, Report);
        CheckOutput(manifest, Report);
        CheckSharedStore(manifest, Report);
        problems.AddRange(ImageSourceChecks.Run(manifest));
        return problems;
    }

    private delegate void Reporter(string path, string message, bool atKey = false);

    private static void CheckSources(DataForgeManifest m, Reporter report)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < m.Sources.Count; i++)
        {
            var s = m.Sources[i];
            var at = $"sources[{i}]";
            if (seen.TryGetValue(s.Id, out var first))
                report(at + ".id", $"duplicate source id '{s.Id}' (also sources[{first}]); ids must be unique");
            else seen[s.Id] = i;

            if (s.Kind == "dicomweb")
            {
                if (s.Url is null) report(at, "a dicomweb source needs 'url'");
                if (s.Path is not null) report(at + ".path", "a dicomweb source takes 'url', not 'path'", atKey: true);
                if (s.Include.Count > 0 || s.Exclude.Count > 0)
                    report(at, "a dicomweb source selects instances with 'query', not 'include' or 'exclude'");
                if (s.CaFile is { } ca && !File.Exists(m.Resolve(ca)))
                    report(at + ".ca_file", $"CA file '{ca}' does not exist (paths are relative to the manifest's folder)");
                continue;
            }
            foreach (var key in new[] { "query", "auth", "ca_file" })
                if (m.Document.Has($"{at}.{key}")) report($"{at}.{key}", $"'{key}' is only for dicomweb sources", atKey: true);
            if (s.Url is not null) report(at + ".url", $"'url' is only for dicomweb sources; a {s.Kind} source takes 'path'", atKey: true);
            if (s.Kind != "labels" && (s.Format is not null || s.Key is not null))
                report(at, "'format' and 'key' are only for labels sources");
            if (s.Path is null) { report(at, $"a {s.Kind} source needs 'path'"); continue; }
            var full = m.Resolve(s.Path);
            var isFileOk = s.Kind == "labels";
            if (Directory.Exists(full)) continue;
            if (isFileOk && File.Exists(full)) continue;
            report(at + ".path", File.Exists(full)
                ? $"source path '{s.Path}' is a file; a {s.Kind} source names a folder"
                : $"source folder '{s.Path}' does not exist (paths are relative to the manifest's folder)");
        }
    }

    private static void CheckOutput(DataForgeManifest m, Reporter report)
    {
        if (m.Output.Layout != "dicom" && m.Deidentify is null)
            report("output.layout", $"output.layout {m.Output.Layout} needs a deidentify: section: outputs are made only from de-identified instances");
        var output = m.Resolve(m.Output.Path);
        var store = m.Resolve(".dataforge");
        if (IsInside(output, store) || IsInside(store, output))
            report("output.path", "the output folder cannot be or contain the private store .dataforge/");
        if (output == Path.GetFullPath(m.BaseDirectory))
            report("output.path", "the output folder cannot be the project folder itself; use a subfolder such as out");
        for (var i = 0; i < m.Sources.Count; i++)
        {
            if (m.Sources[i].Path is not { } p) continue;
            var source = m.Resolve(p);
            if (IsInside(output, source) || IsInside(source, output))
                report("output.path", $"the output folder overlaps source '{m.Sources[i].Id}'; outputs and sources must be separate folders");
        }
    }

    /// <summary>
    /// <c>store:</c> holds objects that builds write and gc removes: a folder of its own, never in the private store,
    /// the output folder (a build removes files it did not make there) or a source (the index would read the objects).
    /// </summary>
    private static void CheckSharedStore(DataForgeManifest m, Reporter report)
    {
        // The shared cache names objects: without a store others write to, it could serve nothing.
        if (m.State is not null && m.Store is null)
            report("state", "state: shares an action cache whose objects live in a shared store: add store: PATH (a folder every machine sharing the cache reads)", atKey: true);
        if (m.Store is not { } written) return;
        var shared = m.Resolve(written);
        var zone = m.Resolve(".dataforge");
        var output = m.Resolve(m.Output.Path);
        if (IsInside(shared, zone) || IsInside(zone, shared))
            report("store", "the shared store cannot be or contain the private store .dataforge/; leave store: out to keep objects there");
        else if (IsInside(shared, output) || IsInside(output, shared))
            report("store", "the shared store overlaps the output folder; give it a folder of its own, outside the project");
        for (var i = 0; i < m.Sources.Count; i++)
        {
            if (m.Sources[i].Path is not { } p) continue;
            var source = m.Resolve(p);
            if (IsInside(shared, source) || IsInside(source, shared))
                report("store", $"the shared store overlaps source '{m.Sources[i].Id}'; give it a folder of its own, outside the project");
        }
    }

    private static bool IsInside(string path, string folder)
    {
        var f = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
        var p = Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar;
        return p.StartsWith(f, StringComparison.Ordinal);
    }
}
