namespace DataForge.Stages.Deidentify;

/// <summary>
/// PS3.15 Table E.3.10-1, Safe Private Attributes: private data elements the standard lists as free of
/// identifying information, kept with their Private Creator by the Retain Safe Private Option. Each row
/// is (private creator, group, element within the block "xxee" as 0xee, VR, meaning). The standard warns
/// that vendors do not guarantee them; the leak gate still checks every kept value.
/// Typed in from the table of PS3.15 Annex E, section E.3.10, as published in the reStructuredText
/// conversion of the standard at github.com/chsasank/dicom_standard (source/part15/chapter_E.rst,
/// commit 2c591286f447224ab83b067e3f505449d4ec2184); the edition is the one that conversion was made from.
/// </summary>
public static class SafePrivateAttributes
{
    /// <summary>The rows of the table, in its order.</summary>
    public static IReadOnlyList<(string Creator, ushort Group, byte Element, string VR, string Meaning)> Rows { get; } =
    [
        ("Philips PET Private Group", 0x7053, 0x00, "DS", "SUV Factor"),
        ("Philips PET Private Group", 0x7053, 0x09, "DS", "Activity Concentration Factor"),
        ("ELSCINT1", 0x00E1, 0x21, "DS", "DLP"),
        ("ELSCINT1", 0x00E1, 0x50, "DS", "Acquisition Duration"),
        ("ELSCINT1", 0x01E1, 0x26, "CS", "Phantom Type"),
        ("ELSCINT1", 0x01F1, 0x01, "CS", "Acquisition Type"),
        ("ELSCINT1", 0x01F1, 0x07, "DS", "Table Velocity"),
        ("ELSCINT1", 0x01F1, 0x26, "DS", "Pitch"),
        ("ELSCINT1", 0x01F1, 0x27, "DS", "Rotation Time"),
        ("GEMS_ACQU_01", 0x0019, 0x23, "DS", "Table Speed [mm/rotation]"),
        ("GEMS_ACQU_01", 0x0019, 0x24, "DS", "Mid Scan Time [sec]"),
        ("GEMS_ACQU_01", 0x0019, 0x27, "DS", "Rotation Speed (Gantry Period)"),
        ("GEMS_ACQU_01", 0x0019, 0x9E, "LO", "Internal Pulse Sequence Name"),
        ("GEMS_PARM_01", 0x0043, 0x27, "SH", "Scan Pitch Ratio in the form \"n.nnn:1\""),
        ("GEMS_HELIOS_01", 0x0045, 0x01, "SS", "Number of Macro Rows in Detector"),
        ("GEMS_HELIOS_01", 0x0045, 0x02, "FL", "Macro width at ISO Center"),
        ("GEIIS PACS", 0x0903, 0x10, "US", "Reject Image Flag"),
        ("GEIIS PACS", 0x0903, 0x11, "US", "Significant Flag"),
        ("GEIIS PACS", 0x0903, 0x12, "US", "Confidential Flag"),
        ("Philips Imaging DD 001", 0x2001, 0x03, "FL", "Diffusion B-Factor"),
        ("Philips Imaging DD 001", 0x2001, 0x04, "CS", "Diffusion Direction"),
        ("SIEMENS MR HEADER", 0x0019, 0x0C, "IS", "B Value"),
        ("SIEMENS MR HEADER", 0x0019, 0x0D, "CS", "Diffusion Directionality"),
        ("SIEMENS MR HEADER", 0x0019, 0x0E, "FD", "Diffusion Gradient Direction"),
        ("SIEMENS MR HEADER", 0x0019, 0x27, "FD", "B Matrix"),
        ("GEMS_PARM_01", 0x0043, 0x39, "IS", "1st value is B Value"),
        ("GEMS_PARM_01", 0x0043, 0x6F, "DS", "Scanner Table Entry + Gradient Coil Selected"),
        ("GEMS_SERS_01", 0x0025, 0x07, "SL", "Images in Series"),
        ("HOLOGIC, Inc.", 0x7E01, 0x01, "LO", "Codec Version"),
        ("HOLOGIC, Inc.", 0x7E01, 0x02, "SH", "Codec Content Type"),
        ("HOLOGIC, Inc.", 0x7E01, 0x10, "SQ", "High Resolution Data Sequence"),
        ("HOLOGIC, Inc.", 0x7E01, 0x11, "SQ", "Low Resolution Data Sequence"),
        ("HOLOGIC, Inc.", 0x7E01, 0x12, "OB", "Codec Content"),
        ("NQHeader", 0x0099, 0x01, "UI", "Version"),
        ("NQHeader", 0x0099, 0x02, "UI", "Analyzed Series UID"),
        ("NQHeader", 0x0099, 0x04, "SS", "Return Code"),
        ("NQHeader", 0x0099, 0x05, "LT", "Return Message"),
        ("NQHeader", 0x0099, 0x10, "FL", "MI"),
        ("NQHeader", 0x0099, 0x20, "SH", "Units"),
        ("NQHeader", 0x0099, 0x21, "FL", "ICV"),
        .. Regions("NQLeft", 0x0199, "Left"),
        .. Regions("NQRight", 0x0299, "Right"),
        ("Philips MR Imaging DD 001", 0x2005, 0x0D, "FL", "Scale Intercept"),
        ("Philips MR Imaging DD 001", 0x2005, 0x0E, "FL", "Scale Slope"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x00, "LO", "Acoustic Meta Information Version"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x01, "OB", "Common Acoustic Meta Information"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x02, "SQ", "Multi Stream Sequence"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x03, "SQ", "Acoustic Data Sequence"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x04, "OB", "Per Transaction Acoustic Control Information"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x05, "UL", "Acoustic Data Offset"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x06, "UL", "Acoustic Data Length"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x07, "UL", "Footer Offset"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x08, "UL", "Footer Length"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x09, "SS", "Acoustic Stream Number"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x10, "SH", "Acoustic Stream Type"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x11, "", "Stage Timer Time"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x12, "", "Stop Watch Time"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x13, "IS", "Volume Rate"),
        ("SIEMENS Ultrasound SC2000", 0x0119, 0x21, "SH", ""),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x00, "SQ", "MPR View Sequence"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x02, "UI", "Bookmark UID"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x03, "", "Plane Origin Vector"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x04, "", "Row Vector"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x05, "", "Column Vector"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x06, "SQ", "Visualization Sequence"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x07, "UI", "Bookmark UID"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x08, "OB", "Visualization Information"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x09, "SQ", "Application State Sequence"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x10, "OB", "Application State Information"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x11, "SQ", "Referenced Bookmark Sequence"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x12, "UI", "Referenced Bookmark UID"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x20, "SQ", "Cine Parameters Sequence"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x21, "OB", "Cine Parameters Schema"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x22, "OB", "Values of Cine Parameters"),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x29, "OB", ""),
        ("SIEMENS Ultrasound SC2000", 0x0129, 0x30, "CS", "Raw Data Object Type"),
        ("SIEMENS Ultrasound SC2000", 0x0139, 0x01, "SL", "Physio Capture ROI"),
        ("SIEMENS Ultrasound SC2000", 0x0149, 0x01, "FD", "Vector of BROI Points"),
        ("SIEMENS Ultrasound SC2000", 0x0149, 0x02, "FD", "Start/End Timestamps of Strip Stream"),
        ("SIEMENS Ultrasound SC2000", 0x0149, 0x03, "FD", "Timestamps of Visible R-waves"),
        ("SIEMENS Ultrasound SC2000", 0x7FD1, 0x01, "OB", "Acoustic Image and Footer Data"),
        ("SIEMENS Ultrasound SC2000", 0x7FD1, 0x09, "UI", "Volume Version ID"),
        ("SIEMENS Ultrasound SC2000", 0x7FD1, 0x10, "OB", "Volume Payload"),
        ("SIEMENS Ultrasound SC2000", 0x7FD1, 0x11, "OB", "After Payload"),
        ("SIEMENS SYNGO ULTRA-SOUND TOYON DATA STREAMING", 0x7FD1, 0x01, "OB", "Padding"),
        ("SIEMENS SYNGO ULTRA-SOUND TOYON DATA STREAMING", 0x7FD1, 0x09, "UI", "Version ID"),
        ("SIEMENS SYNGO ULTRA-SOUND TOYON DATA STREAMING", 0x7FD1, 0x10, "OB", "Volume Payload"),
        ("SIEMENS SYNGO ULTRA-SOUND TOYON DATA STREAMING", 0x7FD1, 0x11, "OB", "After Payload"),
    ];

    // NQLeft and NQRight list the same 22 brain regions, (gggg,xx01) to (gggg,xx16), all FL.
    private static IEnumerable<(string, ushort, byte, string, string)> Regions(string creator, ushort group, string side) =>
        new[]
        {
            "Cortical White Matter", "Cortical Gray Matter", "3rd Ventricle", "4th Ventricle", "5th Ventricle", "Lateral Ventricle",
            "Inferior Lateral Ventricle", "Inferior CSF", "Cerebellar White Matter", "Cerebellar Gray Matter", "Hippocampus", "Amygdala",
            "Thalamus", "Caudate", "Putamen", "Pallidum", "Ventral Diencephalon", "Nucleus Accumbens", "Brain Stem", "Exterior CSF",
            "WM Hypo", "Other",
        }.Select((region, i) => (creator, group, (byte)(i + 1), "FL", $"{side} {region}"));

    private static readonly HashSet<(string, ushort, byte)> Index =
        Rows.Select(r => (r.Creator.ToUpperInvariant(), r.Group, r.Element)).ToHashSet();

    private static readonly Dictionary<(string, ushort, byte), string> VRs =
        Rows.ToDictionary(r => (r.Creator.ToUpperInvariant(), r.Group, r.Element), r => r.VR);

    /// <summary>The VR the table gives the element (its creator compared without case or padding), or null.</summary>
    public static string? VROf(string creator, ushort group, byte element) =>
        VRs.GetValueOrDefault((creator.Trim().ToUpperInvariant(), group, element));

    /// <summary>True when the table lists the element (its creator compared without case or padding).</summary>
    public static bool Contains(string creator, ushort group, byte element) =>
        Index.Contains((creator.Trim().ToUpperInvariant(), group, element));
}
