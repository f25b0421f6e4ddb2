namespace DataForge.Manifest;

/// <summary>
/// Writes a small file into a project's <c>.dataforge/</c> whole or not at all: a temporary file of its own, then a rename.
/// The workers of a cluster build open the project at once on several nodes sharing the folder, where a process id is
/// not unique, so the temporary name is a new GUID. A folder that is missing or cannot be written is no error (the
/// files written here are caches: without them the next command does the work again).
/// </summary>
internal static class PrivateFile
{
    public static void Write(string folder, string fileName, string content)
    {
        if (!Directory.Exists(folder)) return;
        var path = Path.Combine(folder, fileName);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temp, content);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
