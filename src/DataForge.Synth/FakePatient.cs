namespace DataForge.Synth;

/// <summary>
/// An obviously fake but realistically formatted identity: placeholder names used in forms
/// (Mustermann, Doe, Bloggs…), IDs with a SYN prefix, dates in a plausible range.
/// </summary>
public sealed record FakePatient(
    int Index,
    string FamilyName,
    string GivenName,
    string PatientId,
    string OtherPatientId,
    DateOnly BirthDate,
    string Sex,
    double WeightKg,
    double SizeM,
    string ReferringPhysician,
    string OperatorName,
    DateOnly StudyDate)
{
    /// <summary>The DICOM person name (PS3.5 6.2 PN): family^given.</summary>
    public string DicomName => $"{FamilyName}^{GivenName}";

    /// <summary>Folder name made from the name and ID, as hospital exports often are.</summary>
    public string FolderName => $"{Ascii(FamilyName)}_{Ascii(GivenName)}_{PatientId}";

    /// <summary>Age at the study date in the PS3.5 AS format (e.g. 045Y).</summary>
    public string AgeAtStudy
    {
        get
        {
            var years = StudyDate.Year - BirthDate.Year - (StudyDate.DayOfYear < BirthDate.DayOfYear ? 1 : 0);
            return $"{years:000}Y";
        }
    }

    private static readonly (string Family, string Given, string Sex)[] Names =
    [
        ("MUSTERMANN", "ERIKA", "F"), ("DOE", "JOHN", "M"), ("BLOGGS", "JOE", "M"), ("MÜLLER", "JÜRGEN", "M"),
        ("DUPONT", "MARIE", "F"), ("ROSSI", "MARIO", "M"), ("NORDMANN", "KARI", "F"), ("SVENSSON", "ANNA", "F"),
        ("JANSEN", "JAN", "M"), ("PUBLIC", "JANE", "F"), ("MEIKÄLÄINEN", "MATTI", "M"), ("KOWALSKI", "JAN", "M"),
    ];

    private static readonly string[] Physicians = ["FICTIONAL^FRANK^^DR", "IMAGINARY^IRIS^^DR", "SAMPLE^SAM^^DR", "PLACEHOLDER^PAT^^DR"];

    private static readonly string[] Operators = ["TECH^TINA", "RADIOGRAPHER^ROB", "OPERATOR^OLGA"];

    /// <summary>The fake patient number <paramref name="index"/> for a seed.</summary>
    public static FakePatient Create(ulong seed, int index)
    {
        var rng = SplitMix64.For(seed, "patient", index);
        var (family, given, sex) = Names[index % Names.Length];
        if (index >= Names.Length) given = $"{given}{index / Names.Length + 1}";
        var birth = new DateOnly(1940, 1, 1).AddDays(rng.Next(0, 50 * 365));
        var study = new DateOnly(2019, 1, 1).AddDays(rng.Next(0, 6 * 365));
        return new FakePatient(
            index, family, given,
            PatientId: $"SYN{100000 + index * 7919 % 900000:000000}",
            OtherPatientId: $"MRN-{rng.Next(1_000_000, 9_999_999)}",
            BirthDate: birth,
            Sex: sex,
            WeightKg: Math.Round(rng.Between(50, 110), 1),
            SizeM: Math.Round(rng.Between(1.50, 1.95), 2),
            ReferringPhysician: rng.Pick(Physicians),
            OperatorName: rng.Pick(Operators),
            StudyDate: study);
    }

    private static string Ascii(string text)
    {
        var normalized = text.Normalize(System.Text.NormalizationForm.FormD);
        return new string(normalized.Where(c => c < 128 && char.IsLetterOrDigit(c)).ToArray());
    }
}
