using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Map stage <c>deidentify</c>: each DICOM instance of the sources through the <see cref="Deidentifier"/>
/// and the <see cref="LeakGate"/>, published as <c>dicom/PSEUDONYM/STUDY/SERIES/SOP.dcm</c> (new UIDs;
/// nothing in the path comes from the input's names). Its metadata are the header facts of the
/// de-identified instance plus the pseudonym, for the stages after it, and (unless <c>mode: anonymise</c>)
/// the patient's original identity sealed for the vault (<see cref="SealedIdentity"/>), which the build
/// collects after the stage has run (<see cref="VaultKeeper"/>): the stage itself stays pure and never
/// touches the vault. A file whose output would leak fails with the reason and is quarantined; so does a file that is
/// not DICOM, unless the sources are screened (<see cref="DicomScreening"/>): then its screen counts, excludes or fails it.
/// </summary>
public sealed class DeidentifyStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "deidentify";

    /// <summary>Bump when the output of the same input, policy and secret changes.</summary>
    /// <remarks>
    /// 8: the leak gate reads deflated instances inflated (it was blind to them): cached ones are checked again.
    /// 9: a Media Storage Directory is never published; the leak gate also looks for the identifying parts of the
    /// source file's path and of Referenced File IDs the input held.
    /// 10: cleaned text is written in the instance's own character set (ISO 2022 escape sequences included), else the
    /// instance is re-encoded as ISO_IR 192; a KS X 1001 set designated once reads as Korean on every line of a value;
    /// cleaned text loses every value the leak gate looks for (IDs, dates, UIDs, institution, any name), not only the patient's;
    /// an encapsulated document is excluded, or kept whole with its text searched by the leak gate.
    /// 11: compressed instances a burned_in_regions rule covers are cleaned (decoded, blanked, encoded again losslessly)
    /// instead of excluded; the counts of a cleaned instance say how its pixels were written (PixelData); the metadata of
    /// a lossy-compressed instance carries lossy_compression.
    /// 12: the metadata carries what the dataset card tabulates, as the policy kept it (<see cref="SubjectFacts"/>).
    /// 13: compound actions (X/Z, X/D, Z/D, X/Z/D, X/Z/U*) are resolved by the attribute's Type in the instance's IOD
    /// (Type 3: removed, Type 2: emptied, Type 1: dummy), and counted per attribute in the metadata; technique text of the
    /// equipment, acquisition and modality modules is kept (generated allow-list), model and software versions under
    /// retain-device-identity; private elements of implicit VR data or written as UN are typed by their creator.
    /// </remarks>
    public const int Version = 13;

    /// <summary>Metadata member holding the keyed token of the original Accession Number (see <see cref="KeyedIdentity.AccessionToken"/>).</summary>
    public const string AccessionTokenProperty = "accession_token";

    private readonly bool _screened;
    private readonly bool _readsSourcePaths;
    private readonly Deidentifier _deidentifier;
    private readonly KeyedIdentity _keys;
    private readonly bool _seal;
    private readonly PixelCleaner? _pixels;
    private readonly EncapsulatedDocuments _documents;
    // A seal is a pure function of the identity (SealedIdentity): sealed once per patient, not once per instance.
    private readonly ConcurrentDictionary<PatientIdentity, string> _seals = new();

    /// <param name="sources">Ids of the DICOM sources.</param>
    /// <param name="policy">The manifest's <c>deidentify:</c> section, bound.</param>
    /// <param name="secret">The project secret.</param>
    /// <param name="publish">True when the de-identified DICOM files are part of the output (layout <c>dicom</c>).</param>
    /// <param name="numbers">For a <c>{seq:N}</c> pseudonym format: each patient token's number, from the vault.</param>
    /// <param name="screened">
    /// True when the DICOM sources are screened (<see cref="DicomScreening"/>): a file that is not DICOM, a DICOMDIR or a
    /// file that does not parse gets no output and no failure, since its screen counts, excludes or fails it.
    /// </param>
    /// <param name="readsSourcePaths">
    /// True when the inputs are the sources themselves: the stage reads their paths (a rename reruns it) for the
    /// identifying parts the leak gate looks for; otherwise those parts come in the inputs' metadata.
    /// </param>
    public DeidentifyStage(IReadOnlyList<string> sources, DeidPolicy policy, byte[] secret, bool publish = true,
        IReadOnlyDictionary<string, int>? numbers = null, bool screened = false, bool readsSourcePaths = false)
    {
        _screened = screened;
        _readsSourcePaths = readsSourcePaths;
        var policyConfig = policy.Config;
        var keys = new KeyedIdentity(secret);
        var table = policy.Pseudonym.IsSequential ? new SortedDictionary<string, int>(numbers?.ToDictionary() ?? [], StringComparer.Ordinal) : null;
        _deidentifier = new Deidentifier(policy, keys, table);
        _keys = keys;
        _seal = !policy.Anonymise;
        _pixels = policy.Has(DeidOption.CleanPixelData) ? PixelCleaner.From(policyConfig) : null;
        _documents = policy.Documents;
        // The secret enters the action key through its fingerprint only: a new secret reruns the stage.
        // A sequential format makes the assignment table (tokens and numbers, no identity) an input too.
        var settings = new Dictionary<string, object>
        {
            ["policy"] = policyConfig,
            ["secret_fingerprint"] = keys.Fingerprint,
        };
        if (table is not null) settings["numbers"] = table;
        if (screened) settings["screened"] = true;
        var config = StageConfig.Canonical(settings);
        Definition = new StageDefinition(Id, Version, StageShape.Map, sources, config) { Publish = publish, ReadsInputPaths = readsSourcePaths };
    }

    public StageDefinition Definition { get; }

    /// <summary>The metadata property that names the input item (its content hash) an output was made from.</summary>
    public const string InputProperty = "deid_input";

    /// <summary>The metadata property that carries the sealed original identity.</summary>
    public const string SealedIdentityProperty = "sealed_identity";

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        // The instance is read into a pooled buffer, which its pixel data stays a slice of until the output is
        // encoded (into a pooled buffer too, handed back once the engine has stored it): a CT slice is then read
        // and written once, and no half-megabyte array per instance is left for the collector.
        var size = input.Item.Size;
        if (size > Array.MaxLength) return StageResult.Failed("the file is too large to de-identify in memory");
        var buffer = ArrayPool<byte>.Shared.Rent((int)size);
        try
        {
            if (!ReadWhole(input.Item, buffer.AsSpan(0, (int)size))) return StageResult.Failed(Changed);
            if (_screened && DicomScreening.LeavesOut(buffer.AsSpan(0, (int)size), size)) return StageResult.Success();
            return Run(buffer, (int)size, CarriedPathIdentifiers.Of(input.Item, _readsSourcePaths), input.Item.Hash.Hex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The identifying components of every Referenced File ID (0004,1500) and File-set ID (0004,1130) in the dataset, at any depth.</summary>
    private static IEnumerable<string> ReferencedFileIds(DicomDataset ds)
    {
        foreach (var attribute in ds)
        {
            if (attribute is DicomSequence sequence)
            {
                foreach (var item in sequence.Items)
                    foreach (var id in ReferencedFileIds(item)) yield return id;
            }
            else if (attribute.Tag == DicomTags.ReferencedFileID || attribute.Tag == DicomTags.FileSetID)
            {
                foreach (var id in PathIdentifiers.OfComponents(ds.GetStrings(attribute.Tag), fileLast: true)) yield return id;
            }
        }
    }

    /// <summary>Per-attribute counts as a JSON object, in ordinal order of names, so the metadata's bytes never depend on hash-table order.</summary>
    private static void WriteCounts(Utf8JsonWriter json, string property, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> counts)
    {
        json.WriteStartObject(property);
        foreach (var attribute in Ordered(counts.Keys))
        {
            var outcomes = counts[attribute];
            json.WriteStartObject(attribute);
            foreach (var outcome in Ordered(outcomes.Keys)) json.WriteNumber(outcome, outcomes[outcome]);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static string[] Ordered(IEnumerable<string> names)
    {
        var sorted = names.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }

    private const string Changed = "the file changed while the build read it; run the build again";

    /// <summary>Fills <paramref name="into"/> with the item's content; false when it is shorter or longer than indexed.</summary>
    private static bool ReadWhole(StageItem item, Span<byte> into)
    {
        using var stream = item.OpenRead();
        var done = 0;
        while (done < into.Length)
        {
            var read = stream.Read(into[done..]);
            if (read <= 0) return false;
            done += read;
        }
        // One more read meets the end: a verifying stream checks the hash there; a longer file is a changed one.
        Span<byte> more = stackalloc byte[1];
        return stream.Read(more) == 0;
    }

    private StageResult Run(byte[] buffer, int size, IReadOnlyList<string> pathIdentifiers, string input)
    {
        DicomFile file;
        try
        {
            file = DicomReader.Read(buffer, size);
        }
        catch (DicomFormatException e)
        {
            // A screened source's screen excludes (and lists) or fails the file: no second verdict here.
            return _screened ? StageResult.Success() : StageResult.Failed(ReadFailure.Describe(e));
        }
        // Recognised by SOP class, whatever the file is called, and never published; a screen counts it.
        if (MediaStorageDirectory.Is(file))
            return _screened ? StageResult.Success() : StageResult.Failed("excluded: a Media Storage Directory (DICOMDIR) is an index of a file-set and is never published");
        // File-set paths in the input (PS3.10 8.5: Referenced File ID components often are Patient IDs) and the
        // source path's identifying parts must appear in no output: looked for like the removed values.
        var fromPaths = pathIdentifiers.Concat(ReferencedFileIds(file.Dataset)).ToList();
        // Pixels cleaned by the burned_in_regions rules, or the instance excluded with the reason (DeidExclusions).
        if (DeidExclusions.Check(file, _pixels, _documents, out var cleaned) is { } excluded) return StageResult.Failed(excluded.Message);
        var accession = file.Dataset.GetString(DicomTags.AccessionNumber)?.Trim();
        DeidResult result;
        try
        {
            result = _deidentifier.Apply(file);
        }
        catch (DeidentificationException e)
        {
            return StageResult.Failed("cannot be de-identified: " + e.Message);
        }
        if (cleaned is not null) result.File.Dataset.Add(DicomTags.BurnedInAnnotation, "NO");
        var identifiers = result.RemovedIdentifiers.WithValues(fromPaths);
        if (LeakGate.Check(result.File, identifiers) is { } leak) return StageResult.Failed(leak);

        var ds = result.File.Dataset;
        var path = $"dicom/{result.Pseudonym}/{ds.GetString(DicomTags.StudyInstanceUID) ?? "no-study"}/" +
                   $"{ds.GetString(DicomTags.SeriesInstanceUID) ?? "no-series"}/{ds.GetString(DicomTags.SOPInstanceUID)}.dcm";
        if (LeakGate.CheckPath(path, identifiers) is { } inPath) return StageResult.Failed(inPath);
        var facts = HeaderFacts.ToJson(result.File, json =>
        {
            json.WriteString("pseudonym", result.Pseudonym);
            SubjectFacts.Write(json, result.File.Dataset);
            // The item it was made from (a content hash), so the report can tell what reached the stage and was not published.
            json.WriteString(InputProperty, input);
            if (_seal) json.WriteString(SealedIdentityProperty, _seals.GetOrAdd(result.Identity, identity => SealedIdentity.Seal(_keys, identity)));
            // Private metadata (the release's allow-list leaves it out): labels keyed by accession number find their study.
            if (accession is { Length: > 0 }) json.WriteString(AccessionTokenProperty, _keys.AccessionToken(accession));
            var counts = result.Counts;
            if (cleaned is not null)
            {
                // How the cleaned pixels were written (kept, re-encoded as ...) beside what the profile did to the attribute.
                var pixels = counts.TryGetValue("PixelData", out var had) ? new Dictionary<string, int>(had, StringComparer.Ordinal) : new(StringComparer.Ordinal);
                pixels[cleaned] = pixels.GetValueOrDefault(cleaned) + 1;
                counts = new Dictionary<string, IReadOnlyDictionary<string, int>>(counts, StringComparer.Ordinal) { ["PixelData"] = pixels };
            }
            WriteCounts(json, DeidentificationReportStage.CountsProperty, counts);
            WriteCounts(json, DeidentificationReportStage.CompoundProperty, result.CompoundCounts);
        });
        // Parsed once into an element that owns its memory (no pooled document to clone from).
        var metadata = JsonElement.Parse(facts);
        if (DicomWriter.Measure(result.File) is not { } length || length > Array.MaxLength)
            return StageResult.Success(new StageOutput(path, result.File.ToBytes(), metadata));
        var output = ArrayPool<byte>.Shared.Rent((int)length);
        var stream = new MemoryStream(output, 0, (int)length, writable: true);
        result.File.Save(stream);
        if (stream.Position != length) throw new InvalidOperationException($"the output measured {length} bytes but {stream.Position} were written");
        return StageResult.Success(new StageOutput(path, output.AsMemory(0, (int)length), metadata)
        {
            Release = () => ArrayPool<byte>.Shared.Return(output),
        });
    }
}
