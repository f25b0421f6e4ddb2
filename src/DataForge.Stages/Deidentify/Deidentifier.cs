using System.Globalization;
using System.Text;
using DataForge.Dicom;
using DataForge.Dicom.Text;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Applies a <see cref="DeidPolicy"/> to one DICOM instance: every attribute at every depth gets its
/// action, UIDs are replaced consistently, the patient gets a pseudonym and (with the modified-dates
/// option) a date shift, private attributes go, and the dataset records how it was de-identified
/// (PS3.15 E.1: Patient Identity Removed, De-identification Method and its code sequence).
/// It also collects the identifiers it removed, for the <see cref="LeakGate"/>.
/// </summary>
public sealed partial class Deidentifier(DeidPolicy policy, KeyedIdentity keys, IReadOnlyDictionary<string, int>? numbers = null)
{
    /// <summary>The De-identification Method (0012,0063) written into every output.</summary>
    public const string DeidentificationMethod = "DataForge PS3.15 Basic Profile";

    /// <summary>UIDs defined by the standard itself (SOP classes, transfer syntaxes, coding schemes) identify nobody.</summary>
    private const string StandardUidRoot = "1.2.840.10008.";

    // What the leak gate looks for: every person name, date and UID that was removed or replaced, and the
    // values of text attributes that identify a patient, a visit, a place or a device. Descriptions and
    // protocol names are removed because they may contain identifiers, not because their words are ones:
    // "WHOLE BODY" or a vendor's name in a removed description may rightly appear in a kept attribute.
    private static readonly HashSet<string> IdentifyingVRs = new(StringComparer.Ordinal) { "PN", "DA", "DT", "UI" };

    private static readonly HashSet<DicomTag> IdentifyingText =
    [
        DicomTags.PatientID, DicomTags.OtherPatientIDs, DicomTags.IssuerOfPatientID, DicomTags.AccessionNumber,
        DicomTags.StudyID, DicomTags.PatientAddress, DicomTags.PatientTelephoneNumbers, DicomTags.MedicalRecordLocator,
        DicomTags.InstitutionName, DicomTags.InstitutionAddress, DicomTags.InstitutionalDepartmentName,
        DicomTags.DeviceSerialNumber, DicomTags.StationName, DicomTags.AdmissionID, DicomTags.ServiceEpisodeID,
        DicomTags.RequestedProcedureID, DicomTags.ScheduledProcedureStepID, DicomTags.PerformedProcedureStepID,
        DicomTags.PlacerOrderNumberImagingServiceRequest, DicomTags.FillerOrderNumberImagingServiceRequest,
        DicomTags.Occupation, DicomTags.MilitaryRank, DicomTags.BranchOfService, DicomTags.RegionOfResidence,
        DicomTags.PersonAddress, DicomTags.PersonTelephoneNumbers, DicomTags.DetectorID, DicomTags.PatientBirthName,
    ];

    /// <summary>De-identifies a file; the input is not modified.</summary>
    public DeidResult Apply(DicomFile input)
    {
        try
        {
            return Apply(input, input.Dataset.Clone(), reencoded: false);
        }
        catch (FreeText.UnicodeNeededException)
        {
            // Text this instance's character set cannot hold (PS3.3 C.12.1.1.2): the whole instance is
            // re-encoded as ISO_IR 192 and de-identified again from the start, so no value is written twice
            // and none is left in the old encoding.
            var ds = input.Dataset.Clone();
            DicomTextEncoding.ToUnicode(ds);
            return Apply(input, ds, reencoded: true);
        }
    }

    private DeidResult Apply(DicomFile input, DicomDataset ds, bool reencoded)
    {
        var patientKey = PatientKey(ds);
        var token = keys.PatientToken(patientKey);
        int? number = null;
        if (policy.Pseudonym.IsSequential)
        {
            if (numbers is null || !numbers.TryGetValue(token, out var n))
                throw new DeidentificationException("its patient has no sequential number in the vault's assignment table (the build numbers new patients before it runs)");
            number = n;
        }
        var identity = new PatientIdentity(token, Text(ds, DicomTags.IssuerOfPatientID), Text(ds, DicomTags.PatientID),
            Text(ds, DicomTags.PatientName), Text(ds, DicomTags.PatientBirthDate));
        var context = new Context(
            patientKey,
            policy.Pseudonym.Write(token, number),
            policy.Has(DeidOption.RetainLongitudinalModifiedDates) ? keys.DateOffsetDays(patientKey, policy.MaxDateShiftDays) : 0,
            FreeText.KnownIdentifiers(ds))
        {
            PatientName = Text(ds, DicomTags.PatientName),
            Iod = AttributeTypes.IodOf(ds.GetString(DicomTags.SOPClassUID) ?? input.Meta.GetString(DicomTags.MediaStorageSOPClassUID)),
            LittleEndian = !input.TransferSyntax.IsBigEndian,
            // A document of a SOP class kept whole (encapsulated_documents.keep) is published unchanged; the stage
            // excludes the others before they get here, and the leak gate reads the kept one's text.
            KeepsDocument = EncapsulatedDocuments.Holds(ds) && policy.Documents.Keeps(ds.GetString(DicomTags.SOPClassUID)),
        };
        if (reencoded) context.Count(DicomTags.SpecificCharacterSet, "re-encoded as " + DicomTextEncoding.UnicodeTerm);
        OverlayCleaner.Apply(ds, policy, context.Count);
        Apply(ds, context);
        // Words DataForge writes itself (pseudonym, dummy values, the method's description, the scrub mark) are not
        // leaks even when a removed value happens to be one of them (a patient already named "ANON").
        var introduced = new List<string> { context.Pseudonym, DeidentificationMethod, BasicProfileMeaning, FreeText.ScrubMark };
        introduced.AddRange(DummyValues.Texts);
        introduced.AddRange(policy.Options.Select(o => o.Meaning));
        // An institution or device text that the policy keeps elsewhere unchanged (an institution named
        // like the manufacturer) is not a leak; names, dates and UIDs never get this allowance.
        var kept = new Texts(context.Kept);
        context.RemovedText.RemoveWhere(kept.Contain);
        context.Removed.UnionWith(context.RemovedText);
        var ours = new Texts(introduced);
        context.Removed.RemoveWhere(ours.Contain);
        context.NameParts.RemoveWhere(ours.Contain);
        // Free text is cleaned last, of everything the leak gate will look for (every removed value in its written
        // forms, every name part) besides the patient's identifiers: the gate is then a safety net, not the usual exit.
        CleanText(context);
        Record(ds);

        var sopClass = ds.GetString(DicomTags.SOPClassUID) ?? input.Meta.GetString(DicomTags.MediaStorageSOPClassUID) ?? "";
        var sopInstance = ds.GetString(DicomTags.SOPInstanceUID)
            ?? keys.Uid(input.Meta.GetString(DicomTags.MediaStorageSOPInstanceUID) ?? "");
        if (sopClass.Length == 0) throw new DeidentificationException("the instance has no SOP Class UID");
        var output = DicomFile.Create(ds, sopClass, sopInstance, input.TransferSyntax);
        return new DeidResult(output, context.Pseudonym, new LeakCheck(context.Removed, context.NameParts), context.Counts(), identity)
        {
            CompoundCounts = context.CompoundCounts(),
        };
    }

    private static string Text(DicomDataset ds, DicomTag tag) => ds.GetString(tag)?.Trim() ?? "";

    /// <summary>Who the patient is, for pseudonyms and date shifts: issuer and ID, else name and birth date, else the study.</summary>
    public static string PatientKey(DicomDataset ds)
    {
        var id = ds.GetString(DicomTags.PatientID)?.Trim() ?? "";
        if (id.Length > 0) return "id:" + (ds.GetString(DicomTags.IssuerOfPatientID)?.Trim() ?? "") + "\0" + id;
        var name = ds.GetString(DicomTags.PatientName)?.Trim() ?? "";
        if (name.Length > 0) return "name:" + name + "\0" + (ds.GetString(DicomTags.PatientBirthDate)?.Trim() ?? "");
        return "study:" + (ds.GetString(DicomTags.StudyInstanceUID)?.Trim() ?? "");
    }

    private void Apply(DicomDataset ds, Context context)
    {
        foreach (var original in ds.ToList())
        {
            var attribute = UnknownVR.Resolve(ds, original, context.LittleEndian);
            string? replacement = null;
            var action = attribute.Tag.IsPrivate
                ? PrivateAction(ds, attribute.Tag, out replacement)
                : context.KeepsDocument && ds.Parent is null && EncapsulatedDocuments.IsDocumentAttribute(attribute.Tag) && policy.OverrideFor(attribute.Tag) is null
                    ? ProfileAction.Keep
                : ContentCleaning.ActionFor(policy, context.Scope, attribute.Tag, Compound(policy.ActionFor(attribute), attribute.Tag, ds.Parent is null, context));
            if (attribute is DicomSequence sequence)
            {
                switch (action)
                {
                    case ProfileAction.Remove:
                        Collect(sequence, context);
                        ds.Remove(sequence.Tag);
                        context.Count(sequence.Tag, "removed");
                        CountNested(sequence, context);
                        break;
                    case ProfileAction.Empty or ProfileAction.Replace or ProfileAction.Hash:
                        Collect(sequence, context);
                        ds.Add(new DicomSequence(sequence.Tag));
                        context.Count(sequence.Tag, "emptied");
                        CountNested(sequence, context);
                        break;
                    case ProfileAction.Dummy:
                        // D keeps a Type 1 sequence present with its items (an empty one would break the IOD);
                        // every attribute inside gets its own action, so the items carry dummy values.
                        foreach (var item in sequence.Items) Apply(item, context);
                        break;
                    default:
                        // C on a content or graphics sequence: what is inside is cleaned as that option says, at any depth.
                        var outer = context.Scope;
                        if (action == ProfileAction.Clean && ContentCleaning.ScopeOf(sequence.Tag) is { } scope) context.Scope = scope;
                        foreach (var item in sequence.Items) Apply(item, context);
                        context.Scope = outer;
                        break;
                }
                continue;
            }
            if (attribute is not DicomElement element)
            {
                // Encapsulated pixel data and other non-element attributes: kept or removed as a whole.
                if (action == ProfileAction.Remove) ds.Remove(attribute.Tag);
                context.Count(attribute.Tag, action == ProfileAction.Remove ? "removed" : "kept");
                continue;
            }
            Apply(ds, element, action, context, replacement);
        }
    }

    /// <summary>A compound action resolved by the attribute's Type in the IOD, and counted for the report.</summary>
    private static ProfileAction Compound(ProfileAction action, DicomTag tag, bool topLevel, Context context)
    {
        var chosen = CompoundActions.For(action, context.Iod, tag, topLevel, out var type);
        if (chosen != action) context.CountCompound(tag, CompoundActions.Describe(action, chosen, type));
        return chosen;
    }

    /// <summary>
    /// A private attribute's action: an override by CREATOR,gggg,xxee first, then (with retain-safe-private)
    /// keep when PS3.15 Table E.3.10-1 lists it, else remove. A Private Creator stays exactly when an
    /// element of its block stays (PS3.15 E.3.10: retained together with the creator that defines them).
    /// </summary>
    private ProfileAction PrivateAction(DicomDataset ds, DicomTag tag, out string? replacement)
    {
        replacement = null;
        if (tag.IsPrivateCreator)
        {
            foreach (var other in ds)
                if (other.Tag.Group == tag.Group && !other.Tag.IsPrivateCreator && other.Tag.Element >> 8 == tag.Element
                    && PrivateAction(ds, other.Tag, out _) != ProfileAction.Remove) return ProfileAction.Keep;
            return ProfileAction.Remove;
        }
        if (policy.OverrideFor(tag) is { } byTag)
        {
            replacement = byTag.Value;
            return byTag.Action;
        }
        if (tag.Element < 0x1000) return ProfileAction.Remove;
        var creator = ds.GetString(new DicomTag(tag.Group, (ushort)(tag.Element >> 8)))?.Trim();
        if (string.IsNullOrEmpty(creator)) return ProfileAction.Remove;
        var low = (byte)(tag.Element & 0xFF);
        if (policy.PrivateOverrideFor(creator, tag.Group, low) is { } o)
        {
            replacement = o.Value;
            return o.Action;
        }
        return policy.Has(DeidOption.RetainSafePrivate) && SafePrivateAttributes.Contains(creator, tag.Group, low) ? ProfileAction.Keep : ProfileAction.Remove;
    }

    private void Apply(DicomDataset ds, DicomElement element, ProfileAction action, Context context, string? replacement = null)
    {
        var tag = element.Tag;
        var isPatientIdentity = (tag == DicomTags.PatientID || tag == DicomTags.PatientName) && policy.OverrideFor(tag) is null;
        // What leaves the dataset must not come back: every value that is removed or replaced is
        // remembered for the leak gate. Cleaned text keeps its non-identifying words, so only cleaned
        // dates (which are shifted or replaced) and names (which are replaced) are remembered.
        var cleansDate = element.VR == DicomVR.DA || element.VR == DicomVR.DT || element.VR == DicomVR.PN;
        if (element.Length > 0 && action != ProfileAction.Keep && (action != ProfileAction.Clean || cleansDate))
            Collect(ds, element, context);
        switch (action)
        {
            case ProfileAction.Keep:
                if (tag == DicomTags.PatientAge) GeneraliseAge(ds, element);
                // Technique text kept by the allow-list earns no allowance: an identifier in it stays a leak.
                if (element.VR.IsString && element.VR != DicomVR.UI && !SafeAttributes.IsAllowListed(tag)) context.Kept.AddRange(ds.GetStrings(tag));
                context.Count(tag, "kept");
                return;
            case ProfileAction.Remove:
                ds.Remove(tag);
                context.Count(tag, "removed");
                return;
            case ProfileAction.Empty or ProfileAction.Dummy when isPatientIdentity:
                // Z and D allow a dummy value; the pseudonym is one, and it keeps patients apart.
                FreeText.Write(ds, tag, element.VR, context.Pseudonym);
                context.Count(tag, "pseudonymised");
                return;
            case ProfileAction.Empty:
                ds.Add(DummyValues.Empty(element));
                context.Count(tag, "emptied");
                return;
            case ProfileAction.Dummy:
                ds.Add(DummyValues.For(element));
                context.Count(tag, "replaced");
                return;
            case ProfileAction.Uid:
                if (element.VR != DicomVR.UI) { ds.Add(DummyValues.For(element)); context.Count(tag, "replaced"); return; }
                var uids = ds.GetStrings(tag).Select(u => u.Length == 0 || u.StartsWith(StandardUidRoot, StringComparison.Ordinal) ? u : keys.Uid(u)).ToArray();
                ds.Add(tag, DicomVR.UI, uids);
                context.Count(tag, "uid replaced");
                return;
            case ProfileAction.Clean:
                Clean(ds, element, context);
                return;
            case ProfileAction.ShiftDate:
                ShiftDates(ds, element, context.DateOffset == 0 ? keys.DateOffsetDays(context.PatientKey, policy.MaxDateShiftDays) : context.DateOffset);
                context.Count(element.Tag, "shifted");
                return;
            case ProfileAction.Replace:
                var value = replacement ?? policy.OverrideFor(tag)?.Value ?? "";
                if (element.VR.IsString) FreeText.Write(ds, tag, element.VR, value);
                else ds.Add(DummyValues.For(element));
                context.Count(tag, "replaced");
                return;
            case ProfileAction.Hash:
                if (element.VR == DicomVR.UI) ds.Add(tag, DicomVR.UI, ds.GetStrings(tag).Select(keys.Uid).ToArray());
                else if (element.VR.IsString)
                    FreeText.Write(ds, tag, element.VR, ds.GetStrings(tag).Select(v => keys.Hash(v, (int)Math.Min(element.VR.MaxLength, 16u))).ToArray());
                else ds.Add(DummyValues.For(element));
                context.Count(tag, "hashed");
                return;
            default:
                throw new DeidentificationException($"action {action} has no implementation");
        }
    }

    /// <summary>C (PS3.15 E.1.1): dates move by the patient's offset when modified dates are retained; text loses every known identifier.</summary>
    private void Clean(DicomDataset ds, DicomElement element, Context context)
    {
        var vr = element.VR;
        if (vr == DicomVR.DA || vr == DicomVR.DT)
        {
            if (context.DateOffset != 0) { ShiftDates(ds, element, context.DateOffset); context.Count(element.Tag, "shifted"); }
            else { ds.Add(DummyValues.For(element)); context.Count(element.Tag, "replaced"); }
            return;
        }
        if (vr == DicomVR.PN)
        {
            FreeText.Write(ds, element.Tag, vr, ds.GetStrings(element.Tag).Select(v => ContentCleaning.CleanPersonName(v, context.PatientName, context.Pseudonym)).ToArray());
            context.Count(element.Tag, "cleaned");
            return;
        }
        if (vr == DicomVR.TM || !vr.IsString || vr == DicomVR.UI)
        {
            // The time of day stays (the date it belongs to is shifted); other values have no text to clean.
            context.Count(element.Tag, "kept");
            return;
        }
        // Cleaned once the walk has collected every identifier of the instance (CleanText).
        context.PendingText.Add((ds, element.Tag, vr));
        context.Count(element.Tag, "cleaned");
    }

    /// <summary>Scrubs the text values that C left for last of the patient's identifiers and of every value the leak gate looks for.</summary>
    private static void CleanText(Context context)
    {
        if (context.PendingText.Count == 0) return;
        // The patient's identifiers first (longest first, names component by component: "Jane Doe" becomes
        // "XXXX XXXX"), then whatever else the gate looks for, longest first.
        var identifiers = context.Known.Concat(context.Removed.Concat(context.NameParts).OrderByDescending(i => i.Length))
            .Where(i => i.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var (ds, tag, vr) in context.PendingText)
        {
            var before = ds.GetStrings(tag);
            var values = before.Select(v => FreeText.Scrub(v, identifiers)).ToArray();
            // Text with nothing to clean keeps its bytes: written again it could only lose what its decoding lost.
            if (values.SequenceEqual(before, StringComparer.Ordinal)) continue;
            if (!vr.IsMultiValued) values = [string.Join('\\', values)];
            FreeText.Write(ds, tag, vr, values);
        }
    }

    private static void ShiftDates(DicomDataset ds, DicomElement element, int days)
    {
        if (element.VR != DicomVR.DA && element.VR != DicomVR.DT) return;
        var shifted = ds.GetStrings(element.Tag).Select(v => ShiftDate(v, days)).ToArray();
        ds.Add(element.Tag, element.VR, shifted);
    }

    /// <summary>Shifts the YYYYMMDD part of a DA or DT value; a value that is not a date becomes the dummy date.</summary>
    internal static string ShiftDate(string value, int days)
    {
        var v = value.Trim();
        if (v.Length == 0) return v;
        if (v.Length >= 8 && DateOnly.TryParseExact(v[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return d.AddDays(days).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + v[8..];
        return "19000101";
    }

    /// <summary>Ages over 89 years are generalised to 090Y (HIPAA Safe Harbor) when patient characteristics are kept.</summary>
    private static void GeneraliseAge(DicomDataset ds, DicomElement element)
    {
        var age = ds.GetString(element.Tag)?.Trim() ?? "";
        if (age.Length == 4 && age[3] == 'Y' && int.TryParse(age[..3], CultureInfo.InvariantCulture, out var years) && years > 89)
            ds.Add(element.Tag, DicomVR.AS, "090Y");
    }

    private void Record(DicomDataset ds)
    {
        ds.Add(DicomTags.PatientIdentityRemoved, "YES");
        ds.Add(DicomTags.DeidentificationMethod, DeidentificationMethod);
        var codes = new List<DicomDataset> { Code("113100", BasicProfileMeaning) };
        codes.AddRange(policy.Options.Select(o => Code(o.Code, o.Meaning)));
        ds.Add(DicomTags.DeidentificationMethodCodeSequence, codes.ToArray());
        ds.Add(DicomTags.LongitudinalTemporalInformationModified,
            policy.Has(DeidOption.RetainLongitudinalFullDates) ? "UNMODIFIED" : policy.Has(DeidOption.RetainLongitudinalModifiedDates) ? "MODIFIED" : "REMOVED");
        // PS3.15 E.3.2: instances with recognisable features are excluded before this (VisualFeaturesPolicy).
        // The attribute belongs to the General Image module (PS3.3 C.7.6.1): images only.
        if (policy.Has(DeidOption.CleanRecognizableVisualFeatures) && (ds.Contains(DicomTags.PixelData) || ds.Contains(DicomTags.RecognizableVisualFeatures)))
            ds.Add(DicomTags.RecognizableVisualFeatures, "NO");
    }

    private const string BasicProfileMeaning = "Basic Application Confidentiality Profile";

    private static DicomDataset Code(string value, string meaning) => new DicomDataset()
        .Add(DicomTags.CodeValue, value)
        .Add(DicomTags.CodingSchemeDesignator, "DCM")
        .Add(DicomTags.CodeMeaning, meaning);

    /// <summary>Attributes inside a sequence that goes as a whole are counted as removed, so the report covers every depth.</summary>
    private static void CountNested(DicomSequence sequence, Context context)
    {
        foreach (var item in sequence.Items)
            foreach (var attribute in item)
            {
                context.Count(attribute.Tag, "removed");
                if (attribute is DicomSequence inner) CountNested(inner, context);
            }
    }

    private static void Collect(DicomSequence sequence, Context context)
    {
        foreach (var item in sequence.Items)
            foreach (var attribute in item)
            {
                if (attribute is DicomSequence inner) Collect(inner, context);
                else if (attribute is DicomElement e) Collect(item, e, context);
            }
    }

    /// <summary>Remembers a value that must not appear in the output (see <see cref="LeakGate"/>).</summary>
    private static void Collect(DicomDataset ds, DicomElement element, Context context)
    {
        if (!IdentifyingVRs.Contains(element.VR.Code) && !IdentifyingText.Contains(element.Tag)) return;
        if (LeakGate.VocabularyTags.Contains(element.Tag) || element.Tag.IsPrivateCreator) return;
        if (element.VR == DicomVR.UI)
        {
            foreach (var uid in ds.GetStrings(element.Tag))
                if (!uid.StartsWith(StandardUidRoot, StringComparison.Ordinal)) context.AddRemoved(uid);
            return;
        }
        if (!IdentifyingVRs.Contains(element.VR.Code))
        {
            foreach (var value in ds.GetStrings(element.Tag)) context.AddRemoved(value, context.RemovedText);
            return;
        }
        foreach (var value in ds.GetStrings(element.Tag))
        {
            context.AddRemoved(value);
            if (element.VR != DicomVR.PN) continue;
            // PS3.5 6.2.1: family^given^middle^prefix^suffix, groups separated by '='. Free text writes
            // names as "Given Family", "Family, Given" or "Family Given": each form is looked for whole,
            // and each component on its own.
            foreach (var group in value.Split('='))
            {
                var parts = group.Split('^').Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
                foreach (var part in parts) context.AddRemoved(part, context.NameParts);
                if (parts.Count >= 2)
                {
                    context.AddRemoved($"{parts[1]} {parts[0]}");
                    context.AddRemoved($"{parts[0]}, {parts[1]}");
                    context.AddRemoved($"{parts[0]} {parts[1]}");
                }
            }
        }
    }
}

/// <summary>A de-identified instance, its patient's pseudonym, the identifiers that were removed, and what was done.</summary>
public sealed record DeidResult(DicomFile File, string Pseudonym, LeakCheck RemovedIdentifiers,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Counts, PatientIdentity Identity)
{
    /// <summary>Per attribute, how each compound action of Table E.1-1 was resolved ("X/Z/D as X (Type 3)": count).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> CompoundCounts { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, int>>();
}

/// <summary>An instance that cannot be de-identified; the message names no value from it.</summary>
public sealed class DeidentificationException(string message) : Exception(message);
