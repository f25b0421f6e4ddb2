using System.Security.Cryptography;
using System.Text;
using DataForge.Manifest.Model;
using DataForge.Engine.Store;

namespace DataForge.Stages;

/// <summary>
/// The project secret (HMAC key of pseudonyms, new UIDs and date shifts). The manifest names where it
/// comes from (<c>env:NAME</c> or <c>file:PATH</c>); without that, the first build that needs it creates
/// 32 random bytes in <c>.dataforge/secret.key</c> (0600) and says so. It never enters Git, logs or outputs.
/// </summary>
public static class ProjectSecret
{
    public const string FileName = "secret.key";

    /// <summary>
    /// The secret's bytes. <paramref name="notice"/> tells the user when a new secret was created;
    /// a reference that cannot be read throws <see cref="InvalidOperationException"/> with a message without the secret.
    /// </summary>
    public static byte[] Resolve(DataForgeManifest manifest, StoreLayout layout, Func<string, string?> environment, out string? notice, bool create = true)
    {
        notice = null;
        if (manifest.Secret is { } reference)
        {
            return reference.Read(manifest.BaseDirectory, environment, out var problem)
                ?? throw new InvalidOperationException($"secret: {problem}");
        }
        var path = Path.Combine(layout.StateRoot, FileName);
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            if (text.Length < 32) throw new InvalidOperationException($".dataforge/{FileName} is shorter than 32 characters; restore it from your backup");
            return Encoding.UTF8.GetBytes(text);
        }
        if (!create) throw new InvalidOperationException($"there is no project secret yet (.dataforge/{FileName}); run 'dataforge build' first");
        Directory.CreateDirectory(layout.StateRoot);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(layout.StateRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            stream.Write(Encoding.UTF8.GetBytes(secret + "\n"));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path);
        notice = $"created the project secret .dataforge/{FileName}: back it up; without it pseudonyms cannot be reversed and releases cannot be verified";
        return Encoding.UTF8.GetBytes(secret);
    }
}
