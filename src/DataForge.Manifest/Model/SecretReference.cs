using System.Text;

namespace DataForge.Manifest.Model;

/// <summary>
/// Where the project secret comes from (<c>env:NAME</c> or <c>file:PATH</c>). The manifest names
/// the place, never the secret; messages name the place, never the value.
/// </summary>
public sealed record SecretReference(SecretKind Kind, string Name)
{
    /// <summary>Parses <c>env:NAME</c> or <c>file:PATH</c>; null when the text is neither.</summary>
    public static SecretReference? Parse(string text)
    {
        if (text.StartsWith("env:", StringComparison.Ordinal) && text.Length > 4) return new(SecretKind.Environment, text[4..]);
        if (text.StartsWith("file:", StringComparison.Ordinal) && text.Length > 5) return new(SecretKind.File, text[5..]);
        return null;
    }

    /// <summary>
    /// Reads the secret. A file path is relative to <paramref name="baseDirectory"/>. Returns null and
    /// a reason when it cannot be read; the reason never contains the secret.
    /// </summary>
    public byte[]? Read(string baseDirectory, Func<string, string?> environment, out string? problem)
    {
        var trimmed = ReadText(baseDirectory, environment, out problem);
        if (trimmed is null) return null;
        if (trimmed.Length < 16) { problem = $"the secret from {this} is shorter than 16 characters; use at least 32 random characters"; return null; }
        return Encoding.UTF8.GetBytes(trimmed);
    }

    /// <summary>
    /// Reads the text the reference names, trimmed, with no rule on its length (credentials of a server, for one).
    /// Returns null and a reason when it cannot be read; the reason never contains the text.
    /// </summary>
    public string? ReadText(string baseDirectory, Func<string, string?> environment, out string? problem)
    {
        problem = null;
        string? text;
        if (Kind == SecretKind.Environment)
        {
            text = environment(Name);
            if (string.IsNullOrEmpty(text)) { problem = $"environment variable {Name} is not set or empty"; return null; }
        }
        else
        {
            var path = Path.GetFullPath(Path.Combine(baseDirectory, Name));
            if (!File.Exists(path)) { problem = $"secret file {Name} does not exist"; return null; }
            text = File.ReadAllText(path);
        }
        return text.Trim();
    }

    public override string ToString() => Kind == SecretKind.Environment ? "env:" + Name : "file:" + Name;
}

/// <summary>Kinds of secret references.</summary>
public enum SecretKind
{
    Environment,
    File,
}
