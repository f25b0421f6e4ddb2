using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;

namespace DataForge.Stages.ImageSources;

/// <summary>
/// Checks of the image sources' own settings (<c>kind: image</c>), at their lines and columns: each <c>fields:</c>
/// selector parses; with a metadata table, selectors are column names; the table is a file inside the source folder.
/// </summary>
public sealed class ImageSourcesModule : SectionModule
{
    public override string Section => "sources";

    protected override void Check(DataForgeManifest m, SectionProblems problems)
    {
        for (var i = 0; i < m.Sources.Count; i++)
        {
            var s = m.Sources[i];
            if (s.Kind != "image") continue;
            var at = $"sources[{i}]";
            foreach (var (name, text) in s.Fields ?? new Dictionary<string, string>())
            {
                FieldSelector selector;
                try { selector = FieldSelector.Parse(text); }
                catch (ArgumentException e)
                {
                    problems.Report($"{at}.fields.{name}", $"{at}.fields.{name}: {e.Message}");
                    continue;
                }
                if (s.Metadata is not null && selector.Syntax != SelectorSyntax.Plain)
                    problems.Report($"{at}.fields.{name}", $"{at}.fields.{name}: with a metadata table a field is a column name, not a JSON or XML path");
            }
            if (s.Metadata is { } table)
            {
                var normal = table.Replace('\\', '/');
                if (Path.IsPathRooted(table) || normal.Split('/').Contains(".."))
                    problems.Report($"{at}.metadata", $"{at}.metadata: the table is named relative to the source folder, inside it");
                else if (s.Path is { } folder && !File.Exists(Path.Combine(m.Resolve(folder), normal)))
                    problems.Report($"{at}.metadata", $"{at}.metadata: no such file in the source folder; create it or fix the name");
            }
        }
    }
}
