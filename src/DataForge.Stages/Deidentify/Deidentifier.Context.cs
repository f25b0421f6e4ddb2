using System.Runtime.InteropServices;
using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

// The state of one instance's walk: what was removed (for the leak gate), what was kept, the text left for last and
// the counts the report sums.
public sealed partial class Deidentifier
{
    /// <summary>
    /// Whether any of some texts contains a value, case ignored, by one search in the texts joined with a line feed:
    /// a match of a value without one lies inside a single text (case folding never maps a letter to it).
    /// </summary>
    private sealed class Texts(IReadOnlyList<string> texts)
    {
        private readonly string _joined = string.Join('\n', texts);

        public bool Contain(string value) => value.Contains('\n')
            ? texts.Any(t => t.Contains(value, StringComparison.OrdinalIgnoreCase))
            : texts.Count > 0 && _joined.Contains(value, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class Context(string patientKey, string pseudonym, int dateOffset, IReadOnlyList<string> known)
    {
        public string PatientKey { get; } = patientKey;
        public string Pseudonym { get; } = pseudonym;
        public int DateOffset { get; } = dateOffset;
        public IReadOnlyList<string> Known { get; } = known;
        public string PatientName { get; init; } = "";
        public bool LittleEndian { get; init; }
        public bool KeepsDocument { get; init; }
        /// <summary>The option scope the walk is in (<see cref="ContentCleaning"/>).</summary>
        public CleaningScope Scope { get; set; }
        public HashSet<string> Removed { get; } = new(StringComparer.OrdinalIgnoreCase);
        public HashSet<string> RemovedText { get; } = new(StringComparer.OrdinalIgnoreCase);
        public HashSet<string> NameParts { get; } = new(StringComparer.OrdinalIgnoreCase);
        public List<string> Kept { get; } = [];
        /// <summary>Text values under C, cleaned after the walk (<see cref="CleanText"/>).</summary>
        public List<(DicomDataset Owner, DicomTag Tag, DicomVR VR)> PendingText { get; } = [];
        // Counted by tag while attributes are walked (a hash lookup); named once per tag at the end.
        private readonly Dictionary<(DicomTag Tag, string What), int> _counts = [];
        private readonly Dictionary<(DicomTag Tag, string What), int> _compound = [];

        /// <summary>The IOD of the instance (<see cref="AttributeTypes"/>), for compound actions; null when unknown.</summary>
        public string? Iod { get; init; }

        public void Count(DicomTag tag, string what) => CollectionsMarshal.GetValueRefOrAddDefault(_counts, (tag, what), out _)++;

        /// <summary>Counts how a compound action was resolved for an attribute ("X/Z/D as X (Type 3)").</summary>
        public void CountCompound(DicomTag tag, string how) => CollectionsMarshal.GetValueRefOrAddDefault(_compound, (tag, how), out _)++;

        /// <summary>
        /// Per attribute (keyword, or (gggg,eeee) when it has none) and per outcome: how many values. Unordered
        /// (hash tables, not sorted trees: this runs for every instance); whoever writes them out sorts the names.
        /// </summary>
        public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Counts() => Named(_counts);

        /// <summary>Per attribute, how its compound action was resolved, like <see cref="Counts"/>.</summary>
        public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> CompoundCounts() => Named(_compound);

        private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Named(Dictionary<(DicomTag Tag, string What), int> byTag)
        {
            var counts = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
            foreach (var ((tag, what), n) in byTag)
            {
                var name = tag.IsPrivate ? "" : DataForge.Dicom.Dictionary.DicomDictionary.Standard.KeywordOf(tag);
                if (name.Length == 0) name = $"({tag.Group:X4},{tag.Element:X4})";
                if (!counts.TryGetValue(name, out var known)) counts[name] = known = new Dictionary<string, int>(StringComparer.Ordinal);
                var outcomes = (Dictionary<string, int>)known;
                outcomes[what] = outcomes.TryGetValue(what, out var before) ? before + n : n;
            }
            return counts;
        }

        public void AddRemoved(string value, HashSet<string>? into = null)
        {
            var v = value.Trim(' ', '\0');
            // Short values ("M", "1", "CT") identify nobody and would match by chance.
            if (v.Length >= 4 && !v.All(c => c is '0' or '.' or ' ')) (into ?? Removed).Add(v);
        }
    }
}
