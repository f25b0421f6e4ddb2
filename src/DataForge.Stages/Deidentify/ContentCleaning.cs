using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>Where the walk is: inside a sequence that an option cleans, the attributes in it are read with that option's eyes.</summary>
public enum CleaningScope
{
    /// <summary>Anywhere else: each attribute gets its own row of the table.</summary>
    None,

    /// <summary>Inside a Content Sequence or Acquisition Context Sequence that Clean Structured Content cleans (PS3.15 E.3.4).</summary>
    StructuredContent,

    /// <summary>Inside a Graphic Annotation Sequence that Clean Graphics cleans (PS3.15 E.3.3).</summary>
    Graphics,
}

/// <summary>
/// The Clean Structured Content and Clean Graphics options (PS3.15 E.3.3, E.3.4). Table E.1-1 gives
/// their column a C on the sequences (Content Sequence, Acquisition Context Sequence, Graphic Annotation
/// Sequence) and on the overlay text; it does not list what is inside them. The intent is to keep the
/// structure and the coded concepts and to clean the values that can identify:
/// <list type="bullet">
/// <item>TEXT (Text Value) and graphic text (Unformatted Text Value): scrubbed with the free-text
/// cleaner of Clean Descriptors (every known identifier of the instance becomes XXXX).</item>
/// <item>PNAME (Person Name): the patient's pseudonym when it names the patient, a dummy name
/// otherwise; never removed, because it is Type 1C in a PNAME item (PS3.3 C.17.3.2).</item>
/// <item>DATE, DATETIME, TIME, UIDREF, codes and numbers: their own rows apply (shifted with the
/// modified-dates option, else a dummy; UIDs replaced; codes and numbers kept).</item>
/// </list>
/// Without the options the profile's own actions apply: D on Content Sequence and Graphic Annotation
/// Sequence (structure kept, every text value replaced by a dummy), X/Z on Acquisition Context Sequence.
/// </summary>
public static class ContentCleaning
{
    /// <summary>The scope a sequence opens when its action is C (cleaned by an option), or null when it opens none.</summary>
    public static CleaningScope? ScopeOf(DicomTag sequence) =>
        sequence == DicomTags.ContentSequence || sequence == DicomTags.AcquisitionContextSequence ? CleaningScope.StructuredContent
        : sequence == DicomTags.GraphicAnnotationSequence ? CleaningScope.Graphics
        : null;

    /// <summary>
    /// The action for an element, given the scope it is in and the options chosen: the text values that the
    /// options clean get C in place of the dummy the unlisted-attribute rule gives them. An override wins.
    /// </summary>
    public static ProfileAction ActionFor(DeidPolicy policy, CleaningScope scope, DicomTag tag, ProfileAction action)
    {
        var cleans = scope switch
        {
            CleaningScope.StructuredContent => tag == DicomTags.TextValue || tag == DicomTags.PersonName,
            CleaningScope.Graphics => tag == DicomTags.UnformattedTextValue,
            _ => OverlayCleaner.IsOverlayText(tag) && policy.Has(DeidOption.CleanGraphics),
        };
        return cleans && policy.OverrideFor(tag) is null ? ProfileAction.Clean : action;
    }

    /// <summary>
    /// A person name under C: the pseudonym when every component of the patient's name that is long enough to
    /// identify appears in it (any order, any case), a dummy name otherwise.
    /// </summary>
    public static string CleanPersonName(string value, string patientName, string pseudonym)
    {
        var patient = NameParts(patientName);
        var parts = NameParts(value);
        return patient.Count > 0 && patient.SetEquals(parts) ? pseudonym : DummyValues.PersonName;
    }

    private static HashSet<string> NameParts(string name) =>
        name.Split('^', '=', ' ', ',').Select(p => p.Trim()).Where(p => p.Length >= 2).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Every component of every person name in the instance, at any depth (observers, physicians, operators,
    /// PNAME content items): free text that is cleaned loses them too, not only the patient's.
    /// </summary>
    public static IEnumerable<string> PersonNameParts(DicomDataset ds)
    {
        foreach (var attribute in ds)
        {
            if (attribute is DicomSequence sequence)
            {
                foreach (var item in sequence.Items)
                    foreach (var part in PersonNameParts(item)) yield return part;
            }
            else if (attribute.VR == DicomVR.PN && !attribute.Tag.IsPrivate)
                foreach (var name in ds.GetStrings(attribute.Tag))
                    foreach (var part in name.Split('^', '='))
                        if (part.Trim() is { Length: >= 3 } p) yield return p;
        }
    }
}
