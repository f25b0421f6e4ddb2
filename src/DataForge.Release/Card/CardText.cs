using System.Text.Json.Nodes;
using DataForge.Manifest;
using DataForge.Manifest.Yaml;

namespace DataForge.Release.Card;

/// <summary>
/// The authors' answers to the card's questions (<c>release.card.text: FILE</c>): a YAML mapping of question id
/// (<see cref="CardQuestions.Ids"/>) to text; a blank line starts a new paragraph. An unknown id, a value that is not
/// text, or a file that is not a mapping is a usage error naming the file, line and the closest id.
/// </summary>
public static class CardText
{
    /// <summary>The answers in <paramref name="text"/>, by question id.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string text, string fileName)
    {
        var answers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (text.Trim().Length == 0) return answers;
        var (document, problems) = YamlToJson.Read(text, fileName);
        if (problems.Count > 0) throw new ReleaseException($"release.card.text: {problems[0]}");
        if (document?.Root is not JsonObject root)
            throw new ReleaseException($"release.card.text: {fileName} must be a mapping of question id to answer (e.g. 'purpose: ...')");
        foreach (var (id, value) in root)
        {
            var at = document.KeyAt(id);
            var where = $"{fileName}:{at.Line}:{at.Column}";
            if (!CardQuestions.Ids.Contains(id, StringComparer.Ordinal))
            {
                var closest = Suggest.Closest(id, CardQuestions.Ids);
                throw new ReleaseException($"{where}: '{id}' is not a card question" + (closest is null ? "" : $"; did you mean '{closest}'?")
                    + " (questions: " + string.Join(", ", CardQuestions.Ids) + ")");
            }
            if (value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String)
                throw new ReleaseException($"{where}: the answer to '{id}' must be text (use 'id: |' and indented lines for paragraphs)");
            answers[id] = v.GetValue<string>().Replace("\r\n", "\n", StringComparison.Ordinal);
        }
        return answers;
    }
}
