using System.Globalization;
using System.Text.Json.Nodes;

namespace DataForge.Release.Card;

/// <summary>
/// What a dataset card says, computed from a release manifest alone (pseudonyms, de-identified UIDs, counts,
/// geometry, policy; never a source path or an identifier), plus the manifest's description, the authors'
/// answers and, when the store holds it, the curation report the release pins. The same inputs give the same
/// sections in the same order, so the written card is byte-stable.
/// </summary>
public static class CardContent
{
    /// <summary>Shown for a missing value (a split, modality or manufacturer the files do not carry).</summary>
    public const string None = "(none)";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The card's sections.</summary>
    /// <param name="m">The release manifest.</param>
    /// <param name="description">The dataforge.yaml description, or null.</param>
    /// <param name="answers">The authors' answers by question id (see <see cref="CardQuestions"/>).</param>
    /// <param name="readObject">Reads a pinned file's bytes by SHA-256 from the store (null when absent); may be null.</param>
    /// <param name="thumbnails">Thumbnails per modality (<c>release.card.thumbnails</c>); 0 for none.</param>
    public static IReadOnlyList<CardSection> Build(ReleaseManifest m, string? description, IReadOnlyDictionary<string, string> answers, Func<string, byte[]?>? readObject, int thumbnails = 0)
    {
        var series = CardSeries.Of(m, readObject);
        IReadOnlyList<CardSection> sections =
        [
            Overview(m, description, series),
            Composition(series),
            Patients(series),
            Splits(m, series),
            Labels(m, series),
            Geometry(series),
            new CardSection("voxels", "Intensity and masks", [CardVoxels.Intensity(m, readObject), CardVoxels.MaskVolumes(m, readObject)]),
            CardPolicy.Curation(m, readObject),
            CardPolicy.Deidentification(m),
            CardQuestions.Section(m, series, description, answers),
            Checking(m),
        ];
        // Thumbnails follow the plots, before the policy: pictures of what the tables count.
        if (CardThumbnails.Section(m, thumbnails, readObject) is not { } pictures) return sections;
        var after = sections.Select((s, i) => (s, i)).First(x => x.s.Id == "voxels").i + 1;
        return [.. sections.Take(after), pictures, .. sections.Skip(after)];
    }

    private static CardSection Overview(ReleaseManifest m, string? description, IReadOnlyList<CardSeries> series)
    {
        var c = m.Counts;
        var blocks = new List<CardBlock>();
        blocks.Add(new CardParagraph(string.IsNullOrWhiteSpace(description) ? "The manifest gives no description of this dataset (dataforge.yaml: description)." : description.Trim()));
        blocks.Add(new CardTable("counts", "What the release holds", ["", "count"],
        [
            ["patients", N(c.Patients)], ["studies", N(c.Studies)], ["series", N(c.Series)],
            ["volumes", N(series.Sum(s => s.Volumes))], ["DICOM instances", N(series.Sum(s => s.Instances))], ["images", N(series.Sum(s => s.Images))],
            ["label files", N(m.Files.Count(f => f.Kind == OutputKinds.Label))], ["files", N(c.Files)], ["bytes", c.Bytes.ToString(Invariant)],
            ["source files read", N(m.Sources.Count)], ["source files left out", N(m.Excluded.Count)],
        ]));
        var modalities = Distinct(series.Select(s => s.Modality));
        blocks.Add(new CardList(
        [
            "Modalities: " + (modalities.Count == 0 ? None : string.Join(", ", modalities)),
            "Files by kind: " + string.Join(", ", m.Files.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")),
            $"Made by DataForge {m.ToolVersion} from dataforge.yaml with SHA-256 {m.ManifestSha256}.",
        ]));
        return new CardSection("overview", $"{m.Dataset} {m.Version}", blocks);
    }

    private static CardSection Composition(IReadOnlyList<CardSeries> series)
    {
        var blocks = new List<CardBlock>
        {
            new CardParagraph("Patients, studies, series, volumes, DICOM instances and images, counted from the files of each series."),
            Breakdown("by-split", "By split", ["split"], series, s => [s.Split]),
            Breakdown("by-modality", "By modality", ["modality"], series, s => [s.Modality]),
            Breakdown("by-split-modality", "By split and modality", ["split", "modality"], series, s => [s.Split, s.Modality]),
            Breakdown("by-manufacturer", "By modality, manufacturer and model (as the de-identification policy kept them)", ["modality", "manufacturer", "model"], series, s => [s.Modality, s.Manufacturer, s.Model]),
        };
        if (series.Any(s => s.BodyPart is not null))
            blocks.Add(Breakdown("by-body-part", "By modality and body part", ["modality", "body part"], series, s => [s.Modality, s.BodyPart]));
        else blocks.Add(new CardParagraph("Body part: the release's files do not record it, so there is no table by body part."));
        return new CardSection("composition", "Composition", blocks);
    }

    private static CardSection Patients(IReadOnlyList<CardSeries> series)
    {
        var blocks = new List<CardBlock>();
        if (series.Any(s => s.Sex is not null || s.AgeBand is not null))
        {
            blocks.Add(new CardParagraph("Sex and age band as the de-identification policy kept them in the published files (ten-year bands, 90 and over as one); a patient is counted in every band their studies fall in."));
            blocks.Add(Breakdown("by-split-sex-age", "By split, sex and age band", ["split", "sex", "age band"], series, s => [s.Split, s.Sex, s.AgeBand]));
            var bands = series.Where(s => s.AgeBand is not null).Select(s => s.AgeBand!).Distinct(StringComparer.Ordinal).OrderBy(BandStart).ToList();
            var splits = Distinct(series.Select(s => s.Split ?? None));
            if (bands.Count > 0)
                blocks.Add(new CardPlot("age-bands", "Patients per age band, per split",
                    splits.Select(sp => (sp, (IReadOnlyList<(string, double)>)bands.Select(b => (b, (double)series
                        .Where(s => (s.Split ?? None) == sp && s.AgeBand == b && s.Patient is not null)
                        .Select(s => s.Patient!).Distinct(StringComparer.Ordinal).Count())).ToList())).ToList()));
            else blocks.Add(new CardParagraph("Age band: the published files do not record the patients' ages."));
        }
        else blocks.Add(new CardParagraph("Sex and age: the de-identification policy removed them (the option retain-patient-characteristics keeps them), so there is no table by sex and age band."));
        var years = series.Where(s => s.StudyYear is not null && s.Study is not null)
            .GroupBy(s => s.Modality ?? None, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Bars: (IReadOnlyList<(string, double)>)g.GroupBy(s => s.StudyYear!, StringComparer.Ordinal).OrderBy(y => y.Key, StringComparer.Ordinal)
                .Select(y => (y.Key, (double)y.Select(s => s.Study!).Distinct(StringComparer.Ordinal).Count())).ToList()))
            .ToList();
        if (years.Count > 0) blocks.Add(new CardPlot("study-year", "Studies per study year (after date shifting), per modality", years));
        else blocks.Add(new CardParagraph("Study year: the de-identification policy removed the study dates (retain-longitudinal-temporal-information-modified-dates shifts them instead), so there is no plot by year."));
        return new CardSection("patients", "Patients and studies", blocks);
    }

    // "40-49" sorts by 40, "90+" by 90, "0-9" before "10-19".
    private static int BandStart(string band) =>
        int.TryParse(band.AsSpan(0, band.IndexOfAny(['-', '+']) is > 0 and var end ? end : band.Length), NumberStyles.None, Invariant, out var start) ? start : int.MaxValue;

    /// <summary>A table of counts per distinct key (missing parts shown as <see cref="None"/>), keys in ordinal order.</summary>
    public static CardTable Breakdown(string id, string caption, IReadOnlyList<string> keys, IReadOnlyList<CardSeries> series, Func<CardSeries, string?[]> key)
    {
        var rows = series.GroupBy(s => string.Join("\u0001", key(s).Select(k => k ?? None)), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)[.. g.Key.Split('\u0001'), .. Counts(g.ToList())])
            .ToList();
        return new CardTable(id, caption, [.. keys, "patients", "studies", "series", "volumes", "instances", "images"], rows, keys.Count);
    }

    private static string[] Counts(IReadOnlyList<CardSeries> s) =>
    [
        N(s.Select(x => x.Patient).OfType<string>().Distinct(StringComparer.Ordinal).Count()),
        N(s.Select(x => x.Study).OfType<string>().Distinct(StringComparer.Ordinal).Count()),
        N(s.Count), N(s.Sum(x => x.Volumes)), N(s.Sum(x => x.Instances)), N(s.Sum(x => x.Images)),
    ];

    private static CardSection Splits(ReleaseManifest m, IReadOnlyList<CardSeries> series)
    {
        var asked = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (m.Policy["splits"]?["ratios"] is JsonObject ratios)
            foreach (var (name, value) in ratios)
                if (value is JsonValue v && v.TryGetValue<double>(out var r)) asked[name] = r;
        var patients = series.Where(s => s.Patient is not null).GroupBy(s => s.Patient!, StringComparer.Ordinal)
            .Select(g => Distinct(g.Select(s => s.Split)) is [var one] ? one : g.Any(s => s.Split is not null) ? "(several)" : None)
            .GroupBy(s => s, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var names = asked.Keys.Union(patients.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var total = patients.Values.Sum();
        if (asked.Count == 0 && patients.Keys.All(k => k == None))
            return new CardSection("splits", "Splits", [new CardParagraph("The manifest asks for no splits (dataforge.yaml: splits), so every patient is unassigned.")]);
        var rows = names.Select(n => (IReadOnlyList<string>)
        [
            n, N(patients.GetValueOrDefault(n)), Percent(total == 0 ? 0 : patients.GetValueOrDefault(n) / (double)total),
            asked.TryGetValue(n, out var a) ? Percent(a) : "-",
        ]).ToList();
        var askedText = asked.Count == 0 ? null : "asked: " + string.Join(", ", asked.Select(a => $"{a.Key} {Percent(a.Value)}"));
        return new CardSection("splits", "Split balance",
        [
            new CardParagraph("Splits are made per patient: every series of a patient is in the same split. A patient keeps its split when the cohort grows, so small cohorts can miss the ratios asked."),
            new CardTable("split-balance", "Patients per split, and the ratios asked", ["split", "patients", "share", "asked"], rows),
            new CardPlot("split-balance", "Share of patients per split (%), beside the share asked",
            [
                ("patients", names.Select(n => (n, total == 0 ? 0 : 100.0 * patients.GetValueOrDefault(n) / total)).ToList()),
                ("asked", names.Select(n => (n, 100.0 * asked.GetValueOrDefault(n))).ToList()),
            ], askedText),
        ]);
    }

    private static CardSection Labels(ReleaseManifest m, IReadOnlyList<CardSeries> series)
    {
        var blocks = new List<CardBlock>();
        var policy = m.Policy["labels"] as JsonObject;
        if (policy?["classes"] is JsonArray classes)
            blocks.Add(new CardList(classes.OfType<JsonObject>().Select(c => $"class {c["id"]?.ToJsonString()}: {ReleaseItem.Text(c, "name")}").ToList()));
        if (policy?["annotations"] is JsonArray annotations)
            blocks.Add(new CardList(annotations.OfType<JsonObject>().Select(a => $"annotation '{ReleaseItem.Text(a, "name")}': {ReleaseItem.Text(a, "kind")}").ToList()));
        var splits = Distinct(series.Select(s => s.Split ?? None));
        var values = Distinct(series.SelectMany(s => s.Labels));
        if (values.Count > 0)
            blocks.Add(new CardTable("labels-per-split", "Series per label value and split", ["label", .. splits],
                values.Select(v => (IReadOnlyList<string>)[v, .. splits.Select(sp => N(series.Count(s => (s.Split ?? None) == sp && s.Labels.Contains(v))))]).ToList()));
        var labelFiles = m.Files.Where(f => f.Kind == OutputKinds.Label && f.Series is not null).ToList();
        if (labelFiles.Count > 0)
        {
            var fileSplits = Distinct(labelFiles.Select(f => ReleaseItem.Text(f.Item, "split") ?? None));
            blocks.Add(new CardTable("label-files-per-split", "Label files of a series (masks) per split", ["split", "label files", "series"],
                fileSplits.Select(sp =>
                {
                    var inSplit = labelFiles.Where(f => (ReleaseItem.Text(f.Item, "split") ?? None) == sp).ToList();
                    return (IReadOnlyList<string>)[sp, N(inSplit.Count), N(inSplit.Select(f => f.Series).Distinct(StringComparer.Ordinal).Count())];
                }).ToList()));
        }
        if (blocks.Count == 0) blocks.Add(new CardParagraph("The release has no labels (dataforge.yaml: labels)."));
        return new CardSection("labels", "Labels", blocks);
    }

    private static CardSection Geometry(IReadOnlyList<CardSeries> series)
    {
        var blocks = new List<CardBlock>
        {
            new CardParagraph("Per series, after harmonisation when the manifest has one; one histogram per modality. Values the files do not record are left out."),
        };
        void Plot(string id, string title, Func<CardSeries, double?> value, string format)
        {
            var groups = series.GroupBy(s => s.Modality ?? None, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, Bars: CardHistogram.Bins(g.Select(value).OfType<double>().ToList(), format)))
                .Where(g => g.Bars.Count > 0).ToList();
            if (groups.Count > 0) blocks.Add(new CardPlot(id, title, groups));
            else blocks.Add(new CardParagraph($"{title}: not recorded in the release's files."));
        }
        Plot("in-plane-spacing", "In-plane voxel spacing (mm)", s => s.InPlaneSpacing, "0.###");
        Plot("slice-thickness", "Slice thickness (mm)", s => s.SliceThickness, "0.###");
        var matrices = series.GroupBy(s => s.Modality ?? None, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Bars: (IReadOnlyList<(string, double)>)g.Where(s => s.Matrix is not null).GroupBy(s => s.Matrix!, StringComparer.Ordinal)
                .OrderBy(m => m.Key.Length).ThenBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, (double)m.Count())).ToList()))
            .Where(g => g.Bars.Count > 0).ToList();
        if (matrices.Count > 0) blocks.Add(new CardPlot("matrix-size", "Matrix size (rows x columns), series", matrices));
        else blocks.Add(new CardParagraph("Matrix size (rows x columns): not recorded in the release's files."));
        Plot("series-length", "Series length (slices)", s => s.Length, "0");
        return new CardSection("geometry", "Acquisition geometry", blocks);
    }

    private static CardSection Checking(ReleaseManifest m) => new("checking", "Checking this release",
    [
        new CardParagraph($"manifest.json pins every output file by SHA-256 and how it was made. With the sources and the project secret, 'dataforge verify {m.Version}' rebuilds the release and compares every byte; 'dataforge export {m.Version} DIR' writes its files from the store."),
    ]);

    /// <summary>Distinct non-null values in ordinal order.</summary>
    public static List<string> Distinct(IEnumerable<string?> values) => values.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>A count, invariant culture.</summary>
    public static string N(int n) => n.ToString(Invariant);

    /// <summary>A ratio as a whole percentage with one decimal when needed.</summary>
    public static string Percent(double ratio) => (ratio * 100).ToString("0.#", Invariant) + "%";
}
