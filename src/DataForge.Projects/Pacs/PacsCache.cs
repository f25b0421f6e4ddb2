using System.Collections.Concurrent;
using System.Security.Cryptography;
using DataForge.Engine.Building;
using DataForge.Engine.Hashing;

namespace DataForge.Projects.Pacs;

/// <summary>
/// The private cache of one DICOMweb source, <c>.dataforge/pacs/SOURCE/</c> (inside the 0700 zone: the instances
/// are raw, with PHI):
/// <code>
/// objects/ab/cdef….dcm   each instance as the server stored it, named by the SHA-256 of its bytes, read-only; the
///                        folder the build reads as the source (a cached instance is never downloaded again)
/// instances.tsv          every instance ever fetched, appended as each is stored: study TAB series TAB sop TAB sha256
/// pinned.tsv             the instances the last complete query returned, sorted, same columns under a header line:
///                        the source's inputs (written atomically once every instance is cached, never for a part)
/// tmp/                   downloads in progress; renamed into objects/ when whole, emptied by the next pull
/// damaged/abcd….dcm      instances fsck found no longer hashing to their name, moved out of objects/ (so the next
///                        pull fetches them again); safe to delete
/// </code>
/// A pull killed at any moment leaves objects that are whole (temp + rename) and an instances.tsv that names only
/// them (a line is appended after its rename), so the next pull fetches only what is missing. The build trusts a
/// cached file's stat (size, mtime, inode) as it does a folder's; <see cref="Check"/> (<c>fsck</c>) re-reads every byte.
/// </summary>
public sealed class PacsCache(string root)
{
    private const string Header = "study\tseries\tsop\tsha256";

    /// <summary><c>.dataforge/pacs/SOURCE</c>.</summary>
    public string Root { get; } = root;

    /// <summary>The folder the build reads as the source.</summary>
    public string Objects => Path.Combine(Root, "objects");

    private string Instances => Path.Combine(Root, "instances.tsv");

    private string PinnedFile => Path.Combine(Root, "pinned.tsv");

    /// <summary>Downloads in progress.</summary>
    public string Temp => Path.Combine(Root, "tmp");

    /// <summary>Where <see cref="Check"/> moves damaged instances.</summary>
    public string Damaged => Path.Combine(Root, "damaged");

    /// <summary>An instance's path relative to <see cref="Objects"/>, as the source index records it.</summary>
    public static string RelativePath(string sha256) => $"{sha256[..2]}/{sha256}.dcm";

    /// <summary>The cached file of a content, which may not exist.</summary>
    public string ObjectPath(string sha256) => Path.Combine(Objects, sha256[..2], sha256 + ".dcm");

    /// <summary>Every fetched instance whose object is in the cache, by SOP Instance UID.</summary>
    public Dictionary<string, PacsInstance> Known()
    {
        // A line cut short by a kill is not an instance (Fetched skips it): its object is fetched again.
        var known = new Dictionary<string, PacsInstance>(StringComparer.Ordinal);
        foreach (var instance in Fetched())
            if (File.Exists(ObjectPath(instance.Sha256!))) known[instance.Sop] = instance;
        return known;
    }

    /// <summary>Every instance ever fetched (whether or not its object is still cached), from <c>instances.tsv</c>.</summary>
    public IEnumerable<PacsInstance> Fetched()
    {
        if (!File.Exists(Instances)) yield break;
        foreach (var line in File.ReadLines(Instances))
        {
            var parts = line.Split('\t');
            if (parts.Length == 4 && parts[3].Length == 64) yield return new PacsInstance(parts[0], parts[1], parts[2], parts[3]);
        }
    }

    /// <summary>Makes the private folders (0700) and empties <see cref="Temp"/> of what a killed pull left.</summary>
    public void Prepare()
    {
        foreach (var folder in new[] { Root, Objects, Temp })
        {
            Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        foreach (var stray in Directory.EnumerateFiles(Temp)) File.Delete(stray);
    }

    /// <summary>A new download file in <see cref="Temp"/>.</summary>
    public string NewTempFile() => Path.Combine(Temp, Guid.NewGuid().ToString("N"));

    /// <summary>Moves a whole download into the cache under its hash (read-only) and records it.</summary>
    public void Add(string tempFile, PacsInstance instance)
    {
        var target = ObjectPath(instance.Sha256!);
        if (File.Exists(target)) File.Delete(tempFile);
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tempFile, UnixFileMode.UserRead);
            try
            {
                File.Move(tempFile, target);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another pull stored the same content first: same name, same bytes.
                File.Delete(tempFile);
            }
        }
        using var log = new FileStream(Instances, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        log.Write(System.Text.Encoding.ASCII.GetBytes($"{instance.Study}\t{instance.Series}\t{instance.Sop}\t{instance.Sha256}\n"));
    }

    /// <summary>The instances of the last complete pull, or null before the first.</summary>
    public IReadOnlyList<PacsInstance>? Pinned()
    {
        if (!File.Exists(PinnedFile)) return null;
        return File.ReadLines(PinnedFile).Skip(1).Select(l => l.Split('\t')).Where(p => p.Length == 4)
            .Select(p => new PacsInstance(p[0], p[1], p[2], p[3])).ToList();
    }

    /// <summary>Records the instances of a complete pull (each with its hash), atomically.</summary>
    public void Pin(IEnumerable<PacsInstance> instances)
    {
        var lines = instances.OrderBy(i => i.Study, StringComparer.Ordinal).ThenBy(i => i.Series, StringComparer.Ordinal).ThenBy(i => i.Sop, StringComparer.Ordinal)
            .Select(i => $"{i.Study}\t{i.Series}\t{i.Sop}\t{i.Sha256}");
        PrivateZone.WritePrivate(PinnedFile, Header + "\n" + string.Join("", lines.Select(l => l + "\n")));
    }

    /// <summary>
    /// The pin and the pinned instances the cache lacks, from one parse of <c>pinned.tsv</c> and one listing of
    /// <see cref="Objects"/> (see <see cref="PinState"/>; the build reads it through <see cref="PacsPins"/>).
    /// </summary>
    public PinState ReadPin() => new(Pinned(), CachedHashes());

    /// <summary>The hashes of the files in <see cref="Objects"/>, from one recursive listing.</summary>
    private HashSet<string> CachedHashes()
    {
        var cached = new HashSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(Objects))
            foreach (var file in Directory.EnumerateFiles(Objects, "*.dcm", SearchOption.AllDirectories))
                cached.Add(Path.GetFileNameWithoutExtension(file));
        return cached;
    }

    /// <summary>
    /// <c>fsck</c> of the cache: re-hashes every cached instance on <paramref name="jobs"/> threads against the SHA-256
    /// it is named (and pinned) by, moves each damaged one (or one that cannot be read) to <see cref="Damaged"/> so the
    /// next pull fetches it again, and lists the pinned instances with no file. Entries are named by hash and
    /// reference only (see <see cref="CachedInstanceProblem"/>); <paramref name="sourceId"/> makes the references.
    /// </summary>
    public PacsCacheCheck Check(string sourceId, int jobs, CancellationToken cancellationToken = default)
    {
        var files = new List<(string Path, string Hash, long Size)>();
        if (Directory.Exists(Objects))
            foreach (var file in Directory.EnumerateFiles(Objects, "*.dcm", SearchOption.AllDirectories))
            {
                // A file not named by a hash in its place is no instance the build reads (the pin names hashes).
                var name = Path.GetFileNameWithoutExtension(file);
                if (name.Length != 64 || !name.All(char.IsAsciiHexDigitLower) || file != ObjectPath(name)) continue;
                try
                {
                    files.Add((file, name, new FileInfo(file).Length));
                }
                catch (FileNotFoundException)
                {
                    // Removed by a gc meanwhile: a pinned one is listed as missing below.
                }
            }
        var damaged = new ConcurrentBag<string>();
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs), CancellationToken = cancellationToken }, f =>
        {
            try
            {
                if (HashOf(f.Path) != f.Hash) damaged.Add(f.Hash);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file the disk cannot give back (EIO) or that this user cannot read serves no build: fetched again.
                damaged.Add(f.Hash);
            }
        });
        var found = damaged.Order(StringComparer.Ordinal).ToList();
        foreach (var hash in found) MoveAside(hash);
        // The pin is parsed once; what is cached comes from the listing above (so what was just moved aside is listed as
        // damaged, not again as missing).
        var pinnedInstances = Pinned() ?? [];
        var cached = files.Select(f => f.Hash).ToHashSet(StringComparer.Ordinal);
        var missing = new PinState(pinnedInstances, cached).Missing.Select(i => i.Sha256!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (found.Count == 0 && missing.Count == 0) return new PacsCacheCheck(sourceId, files.Count, files.Sum(f => f.Size), [], []);
        var pinned = pinnedInstances.Select(i => i.Sha256!).ToHashSet(StringComparer.Ordinal);
        var series = SeriesReferences(sourceId, pinnedInstances, found.Concat(missing).Where(h => !pinned.Contains(h)).ToHashSet(StringComparer.Ordinal));
        CachedInstanceProblem Problem(string hash) => new(hash, ItemLabel.Reference($"{sourceId}:{RelativePath(hash)}"), series.GetValueOrDefault(hash), pinned.Contains(hash));
        return new PacsCacheCheck(sourceId, files.Count, files.Sum(f => f.Size), found.Select(Problem).ToList(), missing.Select(Problem).ToList());
    }

    /// <summary>
    /// Hash -> the reference of its series, made from content, never from a UID (a hash of a UID would let anyone
    /// holding a candidate UID confirm it): <c>SOURCE:series:</c> and the smallest SHA-256 among the series' pinned
    /// instances (among its fetched ones for a series not pinned), the same for every instance of the series. Every
    /// pinned hash is mapped; <c>instances.tsv</c> is read only for <paramref name="unpinned"/> problems.
    /// </summary>
    private Dictionary<string, string> SeriesReferences(string sourceId, IReadOnlyList<PacsInstance> pinned, IReadOnlySet<string> unpinned)
    {
        Dictionary<(string, string), string> BySeries(IEnumerable<PacsInstance> instances) => instances.GroupBy(i => (i.Study, i.Series))
            .ToDictionary(g => g.Key, g => ItemLabel.Reference($"{sourceId}:series:{g.Select(i => i.Sha256!).Min(StringComparer.Ordinal)}"));
        var ofPinned = BySeries(pinned);
        var references = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var i in pinned) references.TryAdd(i.Sha256!, ofPinned[(i.Study, i.Series)]);
        if (unpinned.Count == 0) return references;
        var fetched = Fetched().ToList();
        var wanted = fetched.Where(i => unpinned.Contains(i.Sha256!)).Select(i => (i.Study, i.Series)).ToHashSet();
        var ofFetched = BySeries(fetched.Where(i => wanted.Contains((i.Study, i.Series)) && !ofPinned.ContainsKey((i.Study, i.Series))));
        foreach (var i in fetched.Where(i => unpinned.Contains(i.Sha256!)))
            references.TryAdd(i.Sha256!, ofPinned.GetValueOrDefault((i.Study, i.Series)) ?? ofFetched[(i.Study, i.Series)]);
        return references;
    }

    /// <summary>Moves a damaged instance out of <see cref="Objects"/> (replacing an earlier damaged copy of that name).</summary>
    private void MoveAside(string hash)
    {
        Directory.CreateDirectory(Damaged);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Damaged, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            File.Move(ObjectPath(hash), Path.Combine(Damaged, hash + ".dcm"), overwrite: true);
        }
        catch (FileNotFoundException)
        {
            // Gone meanwhile (gc): the pull fetches it all the same.
        }
    }

    /// <summary>
    /// Removes the cached instances no longer needed: neither pinned, nor in <paramref name="keep"/> (what releases
    /// read), nor stored since the pin was written (a pull under way pins them when it ends). Their lines in
    /// <c>instances.tsv</c> stay, so a release that needs one again can fetch it by its UIDs. Also empties
    /// <see cref="Damaged"/> (raw instances with PHI that no build reads). Returns what was removed.
    /// </summary>
    public (int Removed, long Bytes, int Damaged) Collect(IReadOnlySet<string> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var damaged = 0;
        if (Directory.Exists(Damaged))
            foreach (var copy in Directory.EnumerateFiles(Damaged).ToList())
            {
                File.Delete(copy);
                damaged++;
            }
        if (!Directory.Exists(Objects)) return (0, 0, damaged);
        var pinned = (Pinned() ?? []).Select(i => i.Sha256!).ToHashSet(StringComparer.Ordinal);
        var pinnedAt = File.Exists(PinnedFile) ? File.GetLastWriteTimeUtc(PinnedFile) : DateTime.MaxValue;
        int removed = 0;
        long bytes = 0;
        foreach (var file in Directory.EnumerateFiles(Objects, "*.dcm", SearchOption.AllDirectories).ToList())
        {
            var hash = Path.GetFileNameWithoutExtension(file);
            if (pinned.Contains(hash) || keep.Contains(hash) || File.GetLastWriteTimeUtc(file) > pinnedAt) continue;
            var size = new FileInfo(file).Length;
            File.Delete(file);
            removed++;
            bytes += size;
        }
        return (removed, bytes, damaged);
    }

    /// <summary>SHA-256 of a file, hex.</summary>
    public static string HashOf(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
