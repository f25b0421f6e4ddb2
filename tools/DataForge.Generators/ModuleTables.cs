using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DataForge.Generators;

/// <summary>
/// The PS3.3 module tables joined to the standard's IODs: which modules each IOD of ciods.json holds (every usage:
/// M, C and U, from ciod_to_modules.json) and, for each module, its top-level attributes with their Type. The
/// innolitics extract (2025a) lists modules but not their attributes, so the attributes and Types come from the
/// module tables GDCM ships as XML (Part3.xml, BSD licensed), matched to the extract's modules by name, else by
/// PS3.3 section. Modules newer than GDCM's edition have no attributes here (<see cref="Unknown"/>).
/// </summary>
public sealed partial class ModuleTables
{
    /// <summary>Where Debian's libgdcm installs the module tables.</summary>
    public const string DefaultPart3 = "/usr/share/gdcm-3.0/XML/Part3.xml";

    /// <summary>Module id -> (tag as eight hex digits, Type "1", "1C", "2", "2C" or "3") of its top-level attributes, macros included.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(string Tag, string Type)>> Attributes { get; }

    /// <summary>IOD id -> ids of every module it holds.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> IodModules { get; }

    /// <summary>Module ids of the extract that GDCM's tables do not have.</summary>
    public IReadOnlySet<string> Unknown { get; }

    /// <summary>Module id -> name, as the extract gives it.</summary>
    public IReadOnlyDictionary<string, string> ModuleNames { get; }

    /// <summary>One line naming the module tables' source, edition, package version and licence.</summary>
    public string Source { get; }

    private ModuleTables(Dictionary<string, IReadOnlyList<(string, string)>> attributes, Dictionary<string, IReadOnlyList<string>> iods,
        HashSet<string> unknown, Dictionary<string, string> names, string source)
    {
        Attributes = attributes;
        IodModules = iods;
        Unknown = unknown;
        ModuleNames = names;
        Source = source;
    }

    /// <summary>Reads modules.json and ciod_to_modules.json from the standard's folder and GDCM's Part3.xml.</summary>
    public static ModuleTables Load(string standardFolder, string part3Path)
    {
        var xml = XDocument.Load(part3Path);
        var root = xml.Root!;
        var macros = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var m in root.Elements().Where(e => e.Name.LocalName is "macro" or "module"))
            if (m.Attribute("table")?.Value is { } table) macros.TryAdd(table, m);
        var byName = new Dictionary<string, XElement>(StringComparer.Ordinal);
        var byRef = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var m in root.Elements("module"))
        {
            byName.TryAdd(Normalise(m.Attribute("name")?.Value ?? ""), m);
            if (m.Attribute("ref")?.Value is { } r) byRef.TryAdd(r, m);
        }

        using var modulesJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(standardFolder, "modules.json")));
        using var links = JsonDocument.Parse(File.ReadAllText(Path.Combine(standardFolder, "ciod_to_modules.json")));
        var attributes = new Dictionary<string, IReadOnlyList<(string, string)>>(StringComparer.Ordinal);
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var module in modulesJson.RootElement.EnumerateArray())
        {
            var id = module.GetProperty("id").GetString()!;
            var name = module.GetProperty("name").GetString()!;
            names[id] = name;
            var section = SectionPattern().Match(module.GetProperty("linkToStandard").GetString() ?? "");
            var table = byName.GetValueOrDefault(Normalise(name))
                ?? (section.Success ? byRef.GetValueOrDefault(section.Groups[1].Value) : null);
            if (table is null) { unknown.Add(id); continue; }
            var rows = new List<(string, string)>();
            TopLevel(table, macros, rows, depth: 0);
            attributes[id] = rows;
        }
        var iods = links.RootElement.EnumerateArray()
            .GroupBy(l => l.GetProperty("ciodId").GetString()!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(l => l.GetProperty("moduleId").GetString()!).Distinct().Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        var edition = root.Attribute("edition")?.Value ?? "unknown";
        var source = $"Module attributes and Types: GDCM's {Path.GetFileName(part3Path)} (DICOM PS3.3 edition {edition}; {PackageVersion(part3Path)}; " +
                     "GDCM is BSD licensed, see /usr/share/doc/libgdcm3.0/copyright), matched to the modules of the standard's data by name, else by section.";
        return new ModuleTables(attributes, iods, unknown, names, source);
    }

    /// <summary>Top-level entries of a module or macro table; a top-level Include pulls in the macro's top-level entries.</summary>
    private static void TopLevel(XElement table, Dictionary<string, XElement> macros, List<(string, string)> into, int depth)
    {
        if (depth > 8) return;
        foreach (var e in table.Elements())
        {
            if (e.Name.LocalName == "entry")
            {
                var name = e.Attribute("name")?.Value ?? "";
                var group = e.Attribute("group")?.Value ?? "";
                var element = e.Attribute("element")?.Value ?? "";
                var type = e.Attribute("type")?.Value ?? "";
                if (name.StartsWith('>') || group.Length != 4 || element.Length != 4 || type is not ("1" or "1C" or "2" or "2C" or "3")) continue;
                into.Add(((group + element).ToUpperInvariant(), type));
            }
            else if (e.Name.LocalName == "include")
            {
                var reference = e.Attribute("ref")?.Value ?? "";
                if (reference.StartsWith('>')) continue;
                var m = IncludePattern().Match(reference);
                if (m.Success && macros.TryGetValue(m.Groups[1].Value, out var macro) && macro != table) TopLevel(macro, macros, into, depth + 1);
            }
        }
    }

    private static string Normalise(string name)
    {
        var n = name.ToLowerInvariant().Replace("module attributes", "", StringComparison.Ordinal).Replace("module", "", StringComparison.Ordinal);
        return new string(n.Where(char.IsAsciiLetterOrDigit).ToArray());
    }

    /// <summary>The Debian package version of the GDCM data (first line of its changelog), when it can be read.</summary>
    private static string PackageVersion(string part3Path)
    {
        foreach (var changelog in new[] { "/usr/share/doc/libgdcm3.0/changelog.Debian.gz", "/usr/share/doc/libgdcm-tools/changelog.Debian.gz" })
        {
            if (!File.Exists(changelog)) continue;
            using var reader = new StreamReader(new GZipStream(File.OpenRead(changelog), CompressionMode.Decompress));
            var first = reader.ReadLine() ?? "";
            var v = VersionPattern().Match(first);
            if (v.Success) return $"Debian gdcm {v.Groups[1].Value}";
        }
        return "GDCM " + Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(part3Path)) ?? "");
    }

    [GeneratedRegex(@"sect_([A-Z0-9.]+)\.html")]
    private static partial Regex SectionPattern();

    [GeneratedRegex(@"Table\s+([A-Z0-9][A-Za-z0-9.\-]*)")]
    private static partial Regex IncludePattern();

    [GeneratedRegex(@"\(([^)]+)\)")]
    private static partial Regex VersionPattern();
}
