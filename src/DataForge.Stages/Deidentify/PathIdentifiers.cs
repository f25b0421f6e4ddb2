using System.Text.RegularExpressions;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// The parts of a source file's relative path, or of a file-set path such as a Referenced File ID (0004,1500), that
/// may identify a patient: real exports name folders and files after patients and their record numbers
/// (<c>DOE_JOHN_MRN12345/IMG0001</c>). The <see cref="LeakGate"/> looks for them in every output.
/// <para>
/// The rule, chosen so that the ordinary names of exports are never searched (a folder called CHEST or SERIES1
/// would otherwise fail every instance whose body part or description says so): each folder name and the file
/// name (without its extension) is a component, and its parts are what lies between the name separators
/// <c>_ ^ , space</c>. A component is searched whole when it has at least 4 characters and holds a name separator
/// between letters (<c>DOE_JOHN</c>) or letters and digits; a part is searched when it has at least 4 characters and holds a
/// digit and a letter. Never searched: the source root itself (paths are source-relative), pure numbers (a bare
/// number would match inside the new UIDs' long decimals and in measurements; a record number the header holds is
/// searched as the header's value anyway), dates (<c>20230105</c>, <c>2023-01-05</c>), UIDs (digits and dots), numbered generic names
/// (<c>IMG0001</c>, <c>IM-0001-0002</c>, the file-set names of media exports <c>PA000000/ST000001/SE000001</c>, <c>SERIES1</c>), and components made only of generic
/// words (<c>raw</c>, <c>DICOM</c>, <c>CHEST_CT</c>).
/// </para>
/// </summary>
public static partial class PathIdentifiers
{
    private static readonly HashSet<string> GenericWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "raw", "dicom", "dcm", "data", "export", "exports", "images", "image", "img", "series", "study", "studies",
        "patient", "patients", "scan", "scans", "files", "file", "dicomdir", "readme", "new", "folder", "copy",
        "ct", "mr", "mri", "pt", "pet", "cr", "dx", "us", "nm", "xa", "mg", "ot", "sr", "seg",
        "head", "neck", "chest", "thorax", "abdomen", "pelvis", "brain", "spine", "knee", "hip", "shoulder", "lung",
        "ax", "axial", "sag", "sagittal", "cor", "coronal", "t1", "t2", "flair", "dwi", "adc", "localizer", "scout",
        "contrast", "pre", "post", "with", "without", "and", "left", "right",
    };

    /// <summary>The identifying parts of a '/' separated relative path, distinct, in order of appearance.</summary>
    public static IReadOnlyList<string> Of(string relativePath) => OfComponents(relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries), fileLast: true);

    /// <summary>The identifying parts of path components given one by one (a Referenced File ID's values).</summary>
    public static IReadOnlyList<string> OfComponents(IEnumerable<string> components, bool fileLast = false)
    {
        var list = components.Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        var found = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            // A file name is looked at without its extension (DOE_JOHN covers DOE_JOHN.dcm; IMG0001.dcm is generic).
            var component = fileLast && i == list.Count - 1 && Stem(list[i]) is { } stem ? stem : list[i];
            Consider(component, found);
        }
        return found.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string? Stem(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot > 0 && name.Length - dot <= 5 ? name[..dot] : null;
    }

    private static void Consider(string component, List<string> found)
    {
        var parts = component.Split(['_', '^', ',', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.All(p => GenericWords.Contains(p) || Generic(p))) return;
        if (component.Length >= 4 && !Generic(component) && (IdLike(component) || parts.Count(p => p.Any(char.IsLetter)) >= 2))
            found.Add(component);
        if (parts.Length < 2) return;
        foreach (var part in parts)
            if (part.Length >= 4 && IdLike(part) && !Generic(part)) found.Add(part);
    }

    /// <summary>A record-number-like text: letters and digits both (<c>MRN12345</c>, <c>SYN100000</c>).</summary>
    private static bool IdLike(string text) => text.Any(char.IsAsciiDigit) && text.Any(char.IsLetter);

    /// <summary>True for names that carry no identity here: pure numbers, dates, UIDs, numbered generic names.</summary>
    private static bool Generic(string text) =>
        PureNumber().IsMatch(text) || DateLike().IsMatch(text) || UidLike().IsMatch(text) || NumberedName().IsMatch(text);

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex PureNumber();

    [GeneratedRegex(@"^(19|20)\d\d[-.]?(0[1-9]|1[0-2])[-.]?(0[1-9]|[12]\d|3[01])([-_T ]?\d{2,6}(\.\d+)?)?$")]
    private static partial Regex DateLike();

    [GeneratedRegex(@"^\d+(\.\d+)+$")]
    private static partial Regex UidLike();

    [GeneratedRegex(@"^(i|im|img|image|pa|pat|s|se|ser|series|st|std|stu|study|slice|file|dir|z|p|scan|exam|dcm|dicom|sr|seq|run|frame|f|n|a|b)[-_]?\d+([-_.]\d+)*$", RegexOptions.IgnoreCase)]
    private static partial Regex NumberedName();
}
