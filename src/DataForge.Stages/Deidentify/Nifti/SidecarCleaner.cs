using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DataForge.Dicom;
using DataForge.Dicom.Dictionary;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Deidentify.Nifti;

/// <summary>
/// Cleans a JSON sidecar (BIDS, dcm2niix) with the DICOM policy. For each key, at any depth:
/// <list type="number">
/// <item>A key that is a DICOM keyword (or a dcm2niix alias of one, <see cref="SidecarKeys.Aliases"/>) and has an
/// override or a row in PS3.15 Table E.1-1 gets that action under the chosen options, as JSON allows it: X, and
/// every compound action that allows X, remove the key (a sidecar has no IOD that needs it present); Z and Z/D
/// empty it; D removes it; the patient's name and ID get the pseudonym (as in DICOM); U gives keyed UIDs;
/// C shifts dates by the patient's offset, keeps times of day, gives a name the pseudonym or removes it, and
/// scrubs text; override actions replace, hash or shift, and an override's keep keeps the value as it is.</item>
/// <item>A date, date-time or time key that the table does not list (a keyword with VR DA/DT/TM, or another key
/// whose name says Date or Time and whose value is one) is kept under retain-longitudinal-full-dates, shifted
/// (times of day kept) under retain-longitudinal-modified-dates, and removed otherwise.</item>
/// <item>ManufacturersModelName and SoftwareVersions are kept only under retain-device-identity.</item>
/// <item>A key on the allow-list of acquisition parameters (<see cref="SidecarKeys.AllowList"/>) is kept.</item>
/// <item>Any other keyword gets the rule DICOM instances use for attributes the table does not list
/// (<see cref="SafeAttributes"/>): numbers and code strings kept when the value is one, UIDs replaced, other text removed.</item>
/// <item>Every other key is removed: the profile removes what it cannot show to be safe.</item>
/// </list>
/// Strings in every kept value are scrubbed of the patient's identifiers (the context's and those the sidecar
/// itself names); nested objects are cleaned with the same rules.
/// </summary>
public static partial class SidecarCleaner
{
    /// <summary>Bump when the same sidecar and policy give another output: a stage that calls this puts it into its action key.</summary>
    public const int Version = 1;

    /// <summary>Cleans <paramref name="sidecar"/> (not modified) for one patient.</summary>
    public static SidecarCleaning Clean(JsonObject sidecar, DeidPolicy policy, NiftiPatientContext context)
    {
        ArgumentNullException.ThrowIfNull(sidecar);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(context);
        var scrub = NiftiIdentifiers.ScrubList(context.Identifiers.Concat(NiftiIdentifiers.FromSidecar(sidecar)));
        var patientName = sidecar["PatientName"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
        var report = new CleaningReport();
        var walker = new Walker(policy, context, scrub, patientName, report);
        return new SidecarCleaning(walker.CleanObject(sidecar), report);
    }

    /// <summary>What happens to a key's value in JSON.</summary>
    internal enum Outcome { Keep, KeepChecked, KeepVerbatim, Remove, Empty, Pseudonym, Uid, Clean, Temporal, Replace, Hash, ShiftDate }

    /// <summary>The rule for a key (see the type's summary), before its value is looked at, and the VR it has when it is a keyword.</summary>
    internal static (Outcome Outcome, DicomVR? VR, string? Value) Decide(string key, JsonNode? value, DeidPolicy policy)
    {
        var entry = SidecarKeys.EntryOf(key);
        if (entry is not null)
        {
            var vr = entry.VR;
            DicomAttribute element = vr == DicomVR.SQ ? new DicomSequence(entry.Tag) : new DicomElement(entry.Tag, vr, []);
            // An override's keep is the user's explicit choice: the value stays as it is, unscrubbed, as in DICOM.
            if (policy.OverrideFor(entry.Tag) is { } o)
                return (o.Action == ProfileAction.Keep ? Outcome.KeepVerbatim : FromProfile(o.Action, entry.Tag, overridden: true), vr, o.Value);
            if (ConfidentialityProfile.Find(entry.Tag) is not null) return (FromProfile(policy.ActionFor(element), entry.Tag, overridden: false), vr, null);
            if (vr == DicomVR.DA || vr == DicomVR.DT || vr == DicomVR.TM) return (Outcome.Temporal, vr, null);
            if (SidecarKeys.DeviceIdentity.Contains(entry.Keyword))
                return (policy.Has(DeidOption.RetainDeviceIdentity) ? Outcome.Keep : Outcome.Remove, vr, null);
            if (SidecarKeys.AllowList.Contains(key)) return (Outcome.KeepChecked, vr, null);
            return SafeAttributes.ActionFor(element) switch
            {
                ProfileAction.Keep => (Outcome.KeepChecked, vr, null),
                ProfileAction.Uid => (Outcome.Uid, vr, null),
                _ => (Outcome.Remove, vr, null),
            };
        }
        if (SidecarKeys.AllowList.Contains(key)) return (Outcome.Keep, null, null);
        if (TemporalName().IsMatch(key) && TemporalVR(value) is { } inferred) return (Outcome.Temporal, inferred, null);
        return (Outcome.Remove, null, null);
    }

    [GeneratedRegex("Date|Time", RegexOptions.CultureInvariant)]
    private static partial Regex TemporalName();

    /// <summary>DA when every string in the value starts with a date, TM when every one is a time of day, else null.</summary>
    private static DicomVR? TemporalVR(JsonNode? value)
    {
        var texts = Strings(value);
        if (texts is null || texts.Count == 0) return null;
        if (texts.All(t => TemporalText.DateAt(t) is not null)) return DicomVR.DA;
        if (texts.All(TemporalText.IsTime)) return DicomVR.TM;
        return null;
    }

    private static Outcome FromProfile(ProfileAction action, DicomTag tag, bool overridden)
    {
        var patientIdentity = !overridden && (tag == DicomTags.PatientName || tag == DicomTags.PatientID);
        return action switch
        {
            ProfileAction.Keep => Outcome.Keep,
            ProfileAction.Empty or ProfileAction.EmptyOrDummy or ProfileAction.Dummy or ProfileAction.RemoveOrEmpty
                or ProfileAction.RemoveOrDummy or ProfileAction.RemoveEmptyOrDummy when patientIdentity => Outcome.Pseudonym,
            ProfileAction.Empty or ProfileAction.EmptyOrDummy => Outcome.Empty,
            ProfileAction.Clean => Outcome.Clean,
            ProfileAction.Uid => Outcome.Uid,
            ProfileAction.Replace => Outcome.Replace,
            ProfileAction.Hash => Outcome.Hash,
            ProfileAction.ShiftDate => Outcome.ShiftDate,
            // X, D and the compound actions that allow X: a sidecar has no IOD that needs the key present.
            _ => Outcome.Remove,
        };
    }

    /// <summary>The strings of a string value or of an array of strings; null for anything else.</summary>
    internal static List<string>? Strings(JsonNode? value)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String) return [v.GetValue<string>()];
        if (value is JsonArray array && array.All(e => e is JsonValue ev && ev.GetValueKind() == JsonValueKind.String))
            return array.Select(e => e!.GetValue<string>()).ToList();
        return null;
    }

    private sealed class Walker(DeidPolicy policy, NiftiPatientContext context, IReadOnlyList<string> scrub, string patientName, CleaningReport report)
    {
        private const string StandardUidRoot = "1.2.840.10008.";

        public JsonObject CleanObject(JsonObject source)
        {
            var result = new JsonObject();
            foreach (var (key, value) in source)
            {
                var (outcome, vr, replacement) = Decide(key, value, policy);
                var (cleaned, what) = Apply(key, value, outcome, vr, replacement);
                report.Add(SidecarKeys.IsVocabulary(key) ? key : CleaningReport.Unlisted, what);
                if (cleaned is not null) result[key] = cleaned;
            }
            return result;
        }

        private (JsonNode? Value, string What) Apply(string key, JsonNode? value, Outcome outcome, DicomVR? vr, string? replacement)
        {
            switch (outcome)
            {
                case Outcome.Keep:
                    return (KeepValue(key, value, vr), "kept");
                case Outcome.KeepVerbatim:
                    return (value?.DeepClone(), "kept");
                case Outcome.KeepChecked:
                    return Fits(value, vr!) ? (KeepValue(key, value, vr), "kept") : (null, "removed");
                case Outcome.Empty:
                    return (JsonValue.Create(""), "emptied");
                case Outcome.Pseudonym:
                    return (JsonValue.Create(context.Pseudonym), "pseudonymised");
                case Outcome.Uid:
                    return Map(value, u => u.Length == 0 || u.StartsWith(StandardUidRoot, StringComparison.Ordinal) ? u : context.KeyedUid(u)) is { } uids
                        ? (uids, "uid replaced") : (null, "removed");
                case Outcome.Clean:
                    return CleanValue(key, value, vr);
                case Outcome.Temporal:
                    if (policy.Has(DeidOption.RetainLongitudinalFullDates)) return (value?.DeepClone(), "kept");
                    if (policy.Has(DeidOption.RetainLongitudinalModifiedDates)) return CleanValue(key, value, vr);
                    return (null, "removed");
                case Outcome.Replace:
                    return (JsonValue.Create(replacement ?? ""), "replaced");
                case Outcome.Hash:
                    if (vr == DicomVR.UI) return Map(value, context.KeyedUid) is { } u ? (u, "hashed") : (null, "removed");
                    return context.KeyedHash is { } hash && Map(value, t => hash(t, 16)) is { } h ? (h, "hashed") : (null, "removed");
                case Outcome.ShiftDate:
                    return Map(value, t => TemporalText.Shift(t, context.DateShiftDays)) is { } shifted ? (shifted, "shifted") : (null, "removed");
                default:
                    return (null, "removed");
            }
        }

        /// <summary>C (PS3.15 E.1.1) in JSON: dates shifted, times of day kept, names pseudonymised or removed, text scrubbed.</summary>
        private (JsonNode? Value, string What) CleanValue(string key, JsonNode? value, DicomVR? vr)
        {
            if (vr == DicomVR.DA || vr == DicomVR.DT)
            {
                if (context.DateShiftDays == 0) return (null, "removed");
                return Map(value, t => TemporalText.Shift(t, context.DateShiftDays)) is { } shifted ? (shifted, "shifted") : (null, "removed");
            }
            if (vr == DicomVR.TM) return Strings(value) is { } times && times.All(TemporalText.IsTime) ? (value!.DeepClone(), "kept") : (null, "removed");
            if (vr == DicomVR.PN)
                return Map(value, n => ContentCleaning.CleanPersonName(n, patientName, context.Pseudonym) is var c && c == context.Pseudonym ? c : null) is { } names
                    ? (names, "pseudonymised") : (null, "removed");
            if (vr is { IsString: true } && vr != DicomVR.UI) return (KeepValue(key, value, vr), "cleaned");
            return (KeepValue(key, value, vr), "kept");
        }

        /// <summary>
        /// A kept value: strings scrubbed, objects cleaned key by key, arrays element by element. Code strings (CS)
        /// are controlled words and are not scrubbed: a name component such as MR must not turn Modality MR into
        /// XXXX. A code string that does spell an identifier is the leak gate's to catch.
        /// </summary>
        private JsonNode? KeepValue(string key, JsonNode? value, DicomVR? vr)
        {
            switch (value)
            {
                case JsonObject o:
                    return CleanObject(o);
                case JsonArray a:
                    return new JsonArray(a.Select(e => KeepValue(key, e, vr)).ToArray());
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    var text = v.GetValue<string>();
                    if (key == "PatientAge") text = GeneraliseAge(text);
                    return JsonValue.Create(vr == DicomVR.CS ? text : FreeText.Scrub(text, scrub));
                case JsonValue v when key == "PatientAge" && v.GetValueKind() == JsonValueKind.Number && v.GetValue<double>() > 89:
                    return JsonValue.Create(90);
                default:
                    return value?.DeepClone();
            }
        }

        /// <summary>Each string of a string or array-of-strings value mapped; null when the value is something else or a string does not map.</summary>
        private static JsonNode? Map(JsonNode? value, Func<string, string?> map)
        {
            var texts = Strings(value);
            if (texts is null) return null;
            var mapped = texts.Select(map).ToList();
            if (mapped.Any(m => m is null)) return null;
            return value is JsonArray ? new JsonArray(mapped.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()) : JsonValue.Create(mapped[0]);
        }

        /// <summary>A value the VR can hold: numbers for numeric VRs (as JSON numbers or decimal strings), code strings for CS, objects for SQ.</summary>
        private static bool Fits(JsonNode? value, DicomVR vr)
        {
            if (vr == DicomVR.SQ) return value is JsonObject or JsonArray;
            if (!NumericVRs.Contains(vr.Code) && vr != DicomVR.CS) return true;
            var scalars = value is JsonArray array ? array.ToList() : [value];
            return scalars.All(s => s is JsonValue v && (v.GetValueKind() switch
            {
                JsonValueKind.Number => vr != DicomVR.CS,
                JsonValueKind.String => vr == DicomVR.CS ? CodeString().IsMatch(v.GetValue<string>()) : IsNumberText(v.GetValue<string>()),
                JsonValueKind.True or JsonValueKind.False => vr != DicomVR.CS,
                _ => false,
            }));
        }

        private static readonly HashSet<string> NumericVRs = new(StringComparer.Ordinal) { "DS", "IS", "US", "SS", "UL", "SL", "FL", "FD", "SV", "UV" };

        private static bool IsNumberText(string text) =>
            text.Split('\\').All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _));

        /// <summary>Ages over 89 years become 090Y (HIPAA Safe Harbor), as in DICOM instances.</summary>
        private static string GeneraliseAge(string age) =>
            age.Trim() is { Length: 4 } a && a[3] == 'Y' && int.TryParse(a[..3], CultureInfo.InvariantCulture, out var years) && years > 89 ? "090Y" : age;
    }

    /// <summary>PS3.5 6.2: CS is upper-case letters, digits, space and underscore, 16 characters a value; backslashes join values.</summary>
    [GeneratedRegex(@"^[A-Z0-9 _]{0,16}(\\[A-Z0-9 _]{0,16})*$", RegexOptions.CultureInvariant)]
    private static partial Regex CodeString();
}

/// <summary>A cleaned sidecar and what was done to each key.</summary>
public sealed record SidecarCleaning(JsonObject Sidecar, CleaningReport Report);
