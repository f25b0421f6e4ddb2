using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using DataForge.Dicom;
using DataForge.Testing;

namespace DataForge.Release.Tests;

/// <summary>
/// The dataset card (releases/VERSION/card.html and card.md, and 'dataforge report'): its numbers equal the ones
/// computed here from the release manifest, it is the same bytes whatever -j built the release and whenever
/// 'report' rewrites it, the authors' answers reach it, and no identifier of a source does.
/// </summary>
public sealed class DatasetCardTests
{
    [Fact]
    public void The_counts_of_an_nnunet_release_card_equal_the_ones_computed_from_its_manifest()
    {
        using var m = new MatrixProject("hash", "nnunet", curate: true, labels: "mask", splits: true);
        m.Run("build").AssertExit(0);
        m.Run("release", "v1").AssertExit(0);
        var html = File.ReadAllText(m.Project.Combine("releases", "v1", "card.html"));
        using var manifest = JsonDocument.Parse(File.ReadAllText(m.Project.Combine("releases", "v1", "manifest.json")));
        var files = manifest.RootElement.GetProperty("files").EnumerateArray().ToList();

        var counts = Table(html, "counts");
        var recorded = manifest.RootElement.GetProperty("counts");
        foreach (var name in new[] { "patients", "studies", "series", "files", "bytes" })
            Assert.Equal(recorded.GetProperty(name).GetRawText(), counts[name][0]);
        Assert.Equal(files.Count(f => Kind(f) == "nifti-volume").ToString(), counts["volumes"][0]);
        // The training layout's volumes carry their study: the card counts studies, not zero.
        Assert.NotEqual("0", counts["studies"][0]);
        Assert.Equal(files.Where(f => Kind(f) == "nifti-volume").Select(f => Member(f, "study")).Distinct().Count().ToString(), counts["studies"][0]);
        Assert.Equal(files.Count(f => Kind(f) == "label").ToString(), counts["label files"][0]);
        Assert.Equal(manifest.RootElement.GetProperty("sources").GetArrayLength().ToString(), counts["source files read"][0]);

        // Per split: patients and series of the image files, counted here; MR was excluded by the protocol check.
        var images = files.Where(f => Kind(f) is "nifti-volume" or "dicom-instance" or "png-image").ToList();
        var bySplit = Table(html, "by-split-modality");
        var expected = images.GroupBy(f => $"{Member(f, "split")}|{Member(f, "modality")}").ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), bySplit.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, group) in expected)
        {
            Assert.Equal(group.Select(f => Member(f, "patient")).Distinct().Count().ToString(), bySplit[key][0]);
            Assert.Equal(group.Select(f => Member(f, "series")).Distinct().Count().ToString(), bySplit[key][2]);
            Assert.Equal(group.Count.ToString(), bySplit[key][3]);
        }
        Assert.Equal(["CT"], Table(html, "by-modality").Keys);

        // Split balance: patients per split as splits.json assigned them, beside the ratios asked.
        var balance = Table(html, "split-balance");
        foreach (var split in images.Select(f => Member(f, "split")).Distinct())
            Assert.Equal(images.Where(f => Member(f, "split") == split).Select(f => Member(f, "patient")).Distinct().Count().ToString(), balance[split!][0]);
        Assert.Equal(["25%", "50%", "25%"], new[] { "test", "train", "val" }.Select(s => balance[s][2]));

        // Masks per split, and the curation report's exclusions (the MR series).
        var masks = Table(html, "label-files-per-split");
        foreach (var group in files.Where(f => Kind(f) == "label" && Member(f, "series") is not null).GroupBy(f => Member(f, "split")!))
            Assert.Equal(group.Count().ToString(), masks[group.Key][0]);
        var curation = JsonDocument.Parse(File.ReadAllText(m.Project.Combine("out", "curation.json"))).RootElement;
        var protocol = curation.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "protocol");
        Assert.NotEqual("0", protocol.GetProperty("exclude").GetRawText());
        Assert.Equal(protocol.GetProperty("exclude").GetRawText(), Table(html, "curation-checks")["protocol"][3]);

        // Every plot is drawn, one per metric.
        Assert.Equal(["split-balance", "in-plane-spacing", "slice-thickness", "matrix-size", "series-length", "intensity", "mask-volume"], Plots(html));
    }

    [SkippableFact]
    public void The_geometry_histograms_of_an_nnunet_card_equal_nibabels_reading_of_the_published_volumes()
    {
        var python = Oracle.RequirePython("nibabel", "json");
        using var m = new MatrixProject("prefix", "nnunet", curate: false, labels: "mask", splits: true);
        m.Run("build").AssertExit(0);
        m.Run("release", "v1").AssertExit(0);
        var html = File.ReadAllText(m.Project.Combine("releases", "v1", "card.html"));
        // Every image volume of the layout (the CT series, which have masks), read by nibabel: shape and zooms.
        var read = Oracle.Run(python, ["-c",
            "import glob, json, sys, nibabel as nib; "
            + "print(json.dumps([[list(map(int, i.shape)), list(map(float, i.header.get_zooms()))] for i in map(nib.load, sorted(glob.glob(sys.argv[1] + '/images*/*.nii.gz')))]))",
            m.Project.Combine("out")]);
        Assert.True(read.ExitCode == 0, read.StandardError);
        var volumes = JsonDocument.Parse(read.StandardOutput).RootElement.EnumerateArray()
            .Select(v => (Shape: v[0].EnumerateArray().Select(x => x.GetInt32()).ToArray(), Zooms: v[1].EnumerateArray().Select(x => x.GetDouble()).ToArray())).ToList();
        Assert.NotEmpty(volumes);
        Assert.Equal(volumes.Count.ToString(), Table(html, "counts")["volumes"][0]);
        // nibabel knows no modality, so the card's bars are summed over its modality groups.
        static Dictionary<string, int> Expected(IEnumerable<string> labels) => labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        string F(double v) => v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Expected(volumes.Select(v => F(Math.Min(v.Zooms[0], v.Zooms[1])))), Summed(html, "in-plane-spacing"));
        Assert.Equal(Expected(volumes.Select(v => F(v.Zooms[2]))), Summed(html, "slice-thickness"));
        Assert.Equal(Expected(volumes.Select(v => $"{v.Shape[0]}x{v.Shape[1]}")), Summed(html, "matrix-size"));
        Assert.Equal(Expected(volumes.Select(v => v.Shape[2].ToString())), Summed(html, "series-length"));
    }

    [SkippableFact]
    public void Mask_volumes_and_intensities_of_an_nnunet_card_equal_nibabels_reading_of_the_published_files()
    {
        var python = Oracle.RequirePython("nibabel", "numpy", "json");
        using var m = new MatrixProject("hash", "nnunet", curate: false, labels: "mask", splits: true);
        m.Run("build").AssertExit(0);
        m.Run("release", "v1").AssertExit(0);
        var html = File.ReadAllText(m.Project.Combine("releases", "v1", "card.html"));
        // nibabel: each mask's voxels of class 1 times the voxel volume (mL); each image's values (scaling applied)
        // sampled at the card's stride, and the 0.5th percentile of all samples.
        var read = Oracle.Run(python, ["-c", $$"""
            import glob, json, sys, numpy as np, nibabel as nib
            out = sys.argv[1]
            masks = []
            for f in sorted(glob.glob(out + '/labels*/*.nii.gz')):
                i = nib.load(f); d = np.asarray(i.dataobj)
                masks.append(float((d == 1).sum() * np.prod(i.header.get_zooms()[:3]) / 1000.0))
            samples = []
            for f in sorted(glob.glob(out + '/images*/*.nii.gz')):
                v = np.asarray(nib.load(f).get_fdata(dtype=np.float32)).ravel(order='F')
                samples.extend(v[::max(1, v.size // {{Card.CardVoxels.SamplesPerImage}})].tolist())
            samples.sort()
            print(json.dumps({'masks': masks, 'count': len(samples), 'low': samples[int(0.005 * (len(samples) - 1))]}))
            """, m.Project.Combine("out")]);
        Assert.True(read.ExitCode == 0, read.StandardError);
        var oracle = JsonDocument.Parse(read.StandardOutput).RootElement;
        var masks = oracle.GetProperty("masks").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.NotEmpty(masks);
        var expected = masks.GroupBy(v => v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.Count());
        if (expected.Count <= Card.CardHistogram.MaxDistinct) Assert.Equal(expected, Summed(html, "mask-volume"));
        else Assert.Equal(masks.Count, Summed(html, "mask-volume").Values.Sum());

        var intensity = Summed(html, "intensity");
        Assert.Equal(oracle.GetProperty("count").GetInt32(), intensity.Values.Sum());
        var svg = Regex.Match(html, "<svg [^>]*data-plot=\"intensity\".*?</svg>", RegexOptions.Singleline).Value;
        var first = Regex.Match(svg, "<rect [^>]*><title>\\S+ ([^<]*): [0-9.]+</title>").Groups[1].Value;
        Assert.Equal(oracle.GetProperty("low").GetDouble(), double.Parse(first, System.Globalization.CultureInfo.InvariantCulture), 0.5);
    }

    [SkippableFact]
    public void Thumbnails_show_the_middle_instance_of_each_series_as_pydicom_reads_it_and_never_a_head_series()
    {
        var python = Oracle.RequirePython("pydicom", "numpy", "PIL", "json");
        using var p = new ReleaseProject(patients: 3);
        File.AppendAllText(p.Combine("dataforge.yaml"), "release:\n  card: {thumbnails: 2}\n");
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var html = File.ReadAllText(p.Combine("releases", "v1", "card.html"));
        using var manifest = JsonDocument.Parse(File.ReadAllText(p.Combine("releases", "v1", "manifest.json")));
        var bodyParts = manifest.RootElement.GetProperty("files").EnumerateArray().Select(f => Member(f, "body_part")).Distinct().ToList();

        var images = Regex.Matches(html, "<figure class=\"thumb\"><img src=\"data:image/png;base64,([^\"]+)\"[^>]*alt=\"([^\"]*)\"").ToList();
        // Synthetic CT is CHEST and MR is HEAD: two CT thumbnails; the MR series are never drawn when their body part is kept.
        Assert.Equal(bodyParts.Contains("HEAD") ? 2 : 4, images.Count);
        Assert.DoesNotContain("thumbnails-MR", bodyParts.Contains("HEAD") ? html : "");
        var folder = p.Combine("thumbs");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < images.Count; i++) File.WriteAllBytes(Path.Combine(folder, $"{i}.png"), Convert.FromBase64String(images[i].Groups[1].Value));
        // pydicom: per CT series of out/, the middle instance by Instance Number, downsampled like the thumbnail;
        // PIL reads each thumbnail; every thumbnail must correlate with one series' middle image (r > 0.99).
        var read = Oracle.Run(python, ["-c", """
            import collections, glob, json, sys, numpy as np, pydicom
            from PIL import Image
            series = collections.defaultdict(list)
            for f in sorted(glob.glob(sys.argv[1] + '/**/*.dcm', recursive=True)):
                d = pydicom.dcmread(f)
                if d.Modality == 'CT': series[d.SeriesInstanceUID].append(d)
            mids = []
            for s in series.values():
                s.sort(key=lambda d: int(d.InstanceNumber))
                d = s[len(s) // 2]
                a = d.pixel_array.astype(float) * float(getattr(d, 'RescaleSlope', 1)) + float(getattr(d, 'RescaleIntercept', 0))
                step = max(1, -(-max(a.shape) // 160))
                mids.append(a[::step, ::step])
            best = []
            for f in sorted(glob.glob(sys.argv[2] + '/*.png')):
                t = np.asarray(Image.open(f), dtype=float)
                best.append(max(float(np.corrcoef(t.ravel(), m.ravel())[0, 1]) if m.shape == t.shape else -1 for m in mids))
            print(json.dumps(best))
            """, p.Combine("out"), folder]);
        Assert.True(read.ExitCode == 0, read.StandardError);
        Assert.All(JsonDocument.Parse(read.StandardOutput).RootElement.EnumerateArray(), r => Assert.True(r.GetDouble() > 0.99, $"correlation {r.GetDouble()}"));
        // The Markdown card names them; 'report v1' rewrites the same bytes.
        Assert.Contains("thumbnails in card.html", File.ReadAllText(p.Combine("releases", "v1", "card.md")));
        var again = p.Run("report", "v1", "-o", "-").AssertExit(0);
        Assert.Equal(html, again.Out);
    }

    [SkippableFact]
    public void The_geometry_histograms_of_a_dicom_card_equal_pydicoms_reading_of_the_published_instances()
    {
        var python = Oracle.RequirePython("pydicom", "json");
        using var m = new MatrixProject("hash", "dicom", curate: false, labels: "none", splits: false);
        m.Run("build").AssertExit(0);
        m.Run("release", "v1").AssertExit(0);
        var html = File.ReadAllText(m.Project.Combine("releases", "v1", "card.html"));
        // Per series, read by pydicom: the smaller pixel spacing, slice thickness, rows x columns and the number of instances.
        var read = Oracle.Run(python, ["-c", """
            import collections, glob, json, sys, pydicom
            series = collections.defaultdict(list)
            for f in sorted(glob.glob(sys.argv[1] + '/**/*.dcm', recursive=True)):
                d = pydicom.dcmread(f, stop_before_pixels=True)
                series[d.SeriesInstanceUID].append(d)
            print(json.dumps([[float(min(map(float, s[0].PixelSpacing))), float(s[0].SliceThickness), '%dx%d' % (s[0].Rows, s[0].Columns), len(s)] for s in series.values()]))
            """, m.Project.Combine("out")]);
        Assert.True(read.ExitCode == 0, read.StandardError);
        var series = JsonDocument.Parse(read.StandardOutput).RootElement.EnumerateArray().ToList();
        Assert.Equal(4, series.Count);
        static Dictionary<string, int> Expected(IEnumerable<string> labels) => labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        string F(JsonElement v) => v.GetDouble().ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Expected(series.Select(s => F(s[0]))), Summed(html, "in-plane-spacing"));
        Assert.Equal(Expected(series.Select(s => F(s[1]))), Summed(html, "slice-thickness"));
        Assert.Equal(Expected(series.Select(s => s[2].GetString()!)), Summed(html, "matrix-size"));
        Assert.Equal(Expected(series.Select(s => s[3].GetInt32().ToString())), Summed(html, "series-length"));
    }

    [SkippableFact]
    public async Task Sex_age_band_study_year_and_model_in_the_card_equal_pydicoms_reading_of_the_published_instances()
    {
        var python = Oracle.RequirePython("pydicom", "json");
        using var p = new ReleaseProject(patients: 3);
        File.WriteAllText(p.Combine("dataforge.yaml"), File.ReadAllText(p.Combine("dataforge.yaml")).Replace("deidentify:\n  profile: basic\n",
            "deidentify:\n  profile: basic\n  options: [retain-patient-characteristics, retain-longitudinal-modified-dates, retain-device-identity]\n", StringComparison.Ordinal));
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var html = File.ReadAllText(p.Combine("releases", "v1", "card.html"));
        // Per series, read by pydicom from the published instances: patient, sex, age band, study, shifted study year, model.
        var read = Oracle.Run(python, ["-c", """
            import collections, glob, json, sys, pydicom
            series = {}
            for f in sorted(glob.glob(sys.argv[1] + '/**/*.dcm', recursive=True)):
                d = pydicom.dcmread(f, stop_before_pixels=True)
                age = int(d.PatientAge[:3]) if d.PatientAge[3] == 'Y' else 0
                band = '90+' if age >= 90 else '%d-%d' % (age // 10 * 10, age // 10 * 10 + 9)
                series[d.SeriesInstanceUID] = [str(d.PatientID), d.PatientSex, band, d.StudyInstanceUID, d.StudyDate[:4], d.Modality, d.ManufacturerModelName]
            print(json.dumps(list(series.values())))
            """, p.Combine("out")]);
        Assert.True(read.ExitCode == 0, read.StandardError);
        var series = JsonDocument.Parse(read.StandardOutput).RootElement.EnumerateArray().Select(s => s.EnumerateArray().Select(v => v.GetString()!).ToArray()).ToList();
        Assert.Equal(6, series.Count);

        var table = Table(html, "by-split-sex-age");
        var expected = series.GroupBy(s => $"(none)|{s[1]}|{s[2]}").ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), table.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, group) in expected)
        {
            Assert.Equal(group.Select(s => s[0]).Distinct().Count().ToString(), table[key][0]);
            Assert.Equal(group.Select(s => s[3]).Distinct().Count().ToString(), table[key][1]);
        }
        Assert.Equal(series.GroupBy(s => s[2]).ToDictionary(g => g.Key, g => g.Select(s => s[0]).Distinct().Count()), Summed(html, "age-bands"));
        Assert.Equal(series.GroupBy(s => s[4]).ToDictionary(g => g.Key, g => g.Select(s => $"{s[5]}|{s[3]}").Distinct().Count()), Summed(html, "study-year"));
        var models = Table(html, "by-manufacturer");
        Assert.Equal(series.Select(s => $"{s[5]}|{s[6]}").Distinct().Order(StringComparer.Ordinal), models.Keys.Select(k => k.Split('|')).Select(k => $"{k[0]}|{k[2]}").Order(StringComparer.Ordinal));
        // The release manifest that carries these facts is valid under its schema.
        var schema = await NJsonSchema.JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "release-manifest.schema.json"));
        Assert.Empty(schema.Validate(File.ReadAllText(p.Combine("releases", "v1", "manifest.json"))));
    }

    [Fact]
    public void Without_the_options_that_keep_them_the_card_says_sex_age_and_study_year_were_removed()
    {
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var html = File.ReadAllText(p.Combine("releases", "v1", "card.html"));
        Assert.Contains("the de-identification policy removed them (the option retain-patient-characteristics keeps them)", html);
        Assert.Contains("the de-identification policy removed the study dates", html);
        Assert.DoesNotContain("age-bands", Plots(html));
        var manifest = File.ReadAllText(p.Combine("releases", "v1", "manifest.json"));
        Assert.DoesNotContain("\"age_band\"", manifest);
        Assert.DoesNotContain("\"study_year\"", manifest);
    }

    /// <summary>A plot's bars (from each bar's SVG title "GROUP LABEL: VALUE"), their values summed over groups, by label.</summary>
    private static Dictionary<string, int> Summed(string html, string plot)
    {
        var svg = Regex.Match(html, $"<svg [^>]*data-plot=\"{plot}\".*?</svg>", RegexOptions.Singleline);
        Assert.True(svg.Success, $"no plot {plot}");
        return Regex.Matches(svg.Value, "<rect [^>]*><title>\\S+ ([^<]*): ([0-9.]+)</title>")
            .GroupBy(x => WebUtility.HtmlDecode(x.Groups[1].Value))
            .ToDictionary(g => g.Key, g => g.Sum(x => int.Parse(x.Groups[2].Value)));
    }

    [Fact]
    public void A_dicom_release_card_counts_label_values_per_split()
    {
        using var m = new MatrixProject("prefix", "dicom", curate: false, labels: "categorical", splits: true);
        m.Run("build").AssertExit(0);
        m.Run("release", "v1").AssertExit(0);
        var html = File.ReadAllText(m.Project.Combine("releases", "v1", "card.html"));
        var files = JsonDocument.Parse(File.ReadAllText(m.Project.Combine("releases", "v1", "manifest.json"))).RootElement
            .GetProperty("files").EnumerateArray().Where(f => Kind(f) == "dicom-instance").ToList();

        Assert.Equal(files.Count.ToString(), Table(html, "counts")["DICOM instances"][0]);
        var table = Table(html, "labels-per-split", out var header);
        var values = files.SelectMany(f => f.GetProperty("item").GetProperty("labels").EnumerateArray().Select(v => v.GetString()!)).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(values, table.Keys.Order(StringComparer.Ordinal));
        foreach (var value in values)
            for (var c = 1; c < header.Count; c++)
                Assert.Equal(files.Where(f => Member(f, "split") == header[c] && f.GetProperty("item").GetProperty("labels").EnumerateArray().Any(v => v.GetString() == value))
                    .Select(f => Member(f, "series")).Distinct().Count().ToString(), table[value][c - 1]);
        // Series length: the instances of each series, counted here.
        var lengths = files.GroupBy(f => Member(f, "series")).Select(g => g.Count()).ToList();
        Assert.Contains("data-plot=\"series-length\"", html);
        Assert.All(lengths, n => Assert.Contains($">{n}</text>", html));
    }

    [Fact]
    public void Report_rewrites_the_committed_card_byte_for_byte_and_report_HEAD_describes_the_current_build()
    {
        using var m = new MatrixProject("seq", "nifti", curate: true, labels: "none", splits: true);
        m.Run("build").AssertExit(0);
        m.Run("release", "v1").AssertExit(0);
        var p = m.Project;
        Assert.Equal(p.Git("show", "v1:releases/v1/card.html"), File.ReadAllText(p.Combine("releases", "v1", "card.html")));

        var written = p.Run("report", "v1", "-o", "again.html").AssertExit(0);
        Assert.Contains("again.html", written.Out);
        Assert.Equal(File.ReadAllBytes(p.Combine("releases", "v1", "card.html")), File.ReadAllBytes(p.Combine("again.html")));
        p.Run("report", "-o", "again.md").AssertExit(0);
        Assert.Equal(File.ReadAllBytes(p.Combine("releases", "v1", "card.md")), File.ReadAllBytes(p.Combine("again.md")));
        Assert.Equal(File.ReadAllText(p.Combine("releases", "v1", "card.html")), p.Run("report", "v1", "-o", "-").AssertExit(0).Out);

        var head = p.Run("report", "HEAD", "-o", "-").AssertExit(0).Out;
        Assert.Contains("<h1>matrix HEAD</h1>", head);
        Assert.Equal(Table(File.ReadAllText(p.Combine("again.html")), "counts")["patients"], Table(head, "counts")["patients"]);

        var unknown = p.Run("report", "v9").AssertExit(2);
        Assert.Contains("no release 'v9' (known: v1)", unknown.Error);
    }

    [Fact]
    public void The_card_is_the_same_bytes_whether_the_release_was_built_with_one_job_or_two()
    {
        byte[] Card(int jobs, out string markdown)
        {
            using var m = new MatrixProject("hash", "nnunet", curate: true, labels: "mask", splits: true);
            m.Run("build", "-j", jobs.ToString()).AssertExit(0);
            m.Run("release", "v1").AssertExit(0);
            markdown = File.ReadAllText(m.Project.Combine("releases", "v1", "card.md"));
            return File.ReadAllBytes(m.Project.Combine("releases", "v1", "card.html"));
        }
        var one = Card(1, out var md1);
        var two = Card(2, out var md2);
        Assert.Equal(one, two);
        Assert.Equal(md1, md2);
    }

    [Fact]
    public void The_authors_answers_reach_the_card_and_are_committed_with_the_release_and_an_unknown_question_is_refused()
    {
        using var p = new ReleaseProject();
        File.AppendAllText(p.Combine("dataforge.yaml"), "release:\n  card: {text: card-answers.yaml}\n");
        File.WriteAllText(p.Combine("card-answers.yaml"), "consent: |\n  Waived by the ethics board <IRB-7>.\n\n  Second paragraph.\ncreatrs: Someone\n");
        p.Run("build").AssertExit(0);
        var refused = p.Run("release", "v1").AssertExit(2);
        Assert.Contains("card-answers.yaml:5:1: 'creatrs' is not a card question; did you mean 'creators'?", refused.Error);
        Assert.False(Directory.Exists(p.Combine("releases", "v1")));

        File.WriteAllText(p.Combine("card-answers.yaml"), "consent: |\n  Waived by the ethics board <IRB-7>.\n\n  Second paragraph.\n");
        p.Run("release", "v1").AssertExit(0);
        var html = File.ReadAllText(p.Combine("releases", "v1", "card.html"));
        Assert.Matches("data-question=\"consent\">\\s*<p class=\"who\">Answered by the authors</p>[^<]*<p class=\"q\">[^<]*</p>\\s*<p>Waived by the ethics board &lt;IRB-7&gt;.</p>\\s*<p>Second paragraph.</p>", html);
        Assert.Contains("data-question=\"uses\">\n<p class=\"who\">Question for the authors (unanswered)", html);
        Assert.Contains("Waived by the ethics board \\<IRB-7\\>.", File.ReadAllText(p.Combine("releases", "v1", "card.md")));
        Assert.Contains("card-answers.yaml", p.Git("show", "--name-only", "--format=", "v1^{commit}"));

        // report v1 reads the answers committed with v1, not the file as it is now.
        File.WriteAllText(p.Combine("card-answers.yaml"), "consent: Changed since.\n");
        p.Run("report", "v1", "-o", "again.html").AssertExit(0);
        Assert.Equal(html, File.ReadAllText(p.Combine("again.html")));
    }

    [Fact]
    public void Verify_rewrites_the_card_and_fails_when_the_committed_one_was_edited()
    {
        using var p = new ReleaseProject();
        File.AppendAllText(p.Combine("dataforge.yaml"), "release:\n  card: {thumbnails: 1}\n");
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var verify = p.Run("verify", "v1").AssertExit(0);
        Assert.Contains("card: card.html and card.md are the ones the release gives, byte for byte", verify.Out);
        Assert.Equal("matched", JsonDocument.Parse(p.Run("verify", "v1", "--json").AssertExit(0).Out).RootElement.GetProperty("card").GetProperty("outcome").GetString());

        // Someone edits the committed card (a number, say) and moves the tag to that commit: the release no longer vouches for it.
        var tag = p.Git("tag").Trim();
        var card = p.Combine("releases", "v1", "card.html");
        File.WriteAllText(card, File.ReadAllText(card).Replace("<td class=\"n\">2</td>", "<td class=\"n\">3</td>", StringComparison.Ordinal));
        p.Git("commit", "-q", "-am", "edit the card");
        p.Git("tag", "-f", "-a", tag, "-m", "moved");
        verify = p.Run("verify", "v1").AssertExit(1);
        Assert.Contains("card: releases/v1/card.html differ from the card the release gives", verify.Out);
        Assert.Contains("NOT verified: v1 rebuilds bit for bit, but its card is not the one the release gives", verify.Out);
        // --sources-only does not rebuild, so it does not judge the card.
        Assert.DoesNotContain("card:", p.Run("verify", "v1", "--sources-only").Out);

        // A card written before card formats were named (or in an older one) was right for the code that wrote it:
        // not compared, and said so, while the data still verifies.
        File.WriteAllText(card, string.Join('\n', File.ReadAllText(card).Split('\n').Where(l => !l.Contains("DataForge dataset card, format", StringComparison.Ordinal))));
        p.Git("commit", "-q", "-am", "a card of an earlier format");
        p.Git("tag", "-f", "-a", tag, "-m", "moved again");
        verify = p.Run("verify", "v1").AssertExit(0);
        Assert.Contains("card: not compared (written in an earlier card format", verify.Out);
    }

    [Fact]
    public void No_planted_identifier_of_a_patient_appears_in_the_card()
    {
        const string surname = "QUIXOTECARD", mrn = "MRN55501234";
        using var p = new ReleaseProject();
        File.AppendAllText(p.Combine("dataforge.yaml"), "splits:\n  ratios: {train: 0.5, test: 0.5}\n");
        var first = Directory.GetDirectories(p.Combine("raw")).Order(StringComparer.Ordinal).First();
        var folder = p.Combine("raw", $"{surname}_{mrn}");
        Directory.Move(first, folder);
        foreach (var file in Directory.GetFiles(folder, "*.dcm", SearchOption.AllDirectories))
        {
            var dicom = DicomFile.Open(file);
            dicom.Dataset.Add(DicomTags.PatientName, $"{surname}^ZEBULON");
            dicom.Dataset.Add(DicomTags.PatientID, mrn);
            dicom.Dataset.Add(DicomTags.StudyDescription, $"{surname} chest");
            dicom.Save(Path.Combine(Path.GetDirectoryName(file)!, $"{surname}_{Path.GetFileName(file)}"));
            File.Delete(file);
        }
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var head = p.Run("report", "HEAD", "-o", "-").AssertExit(0);
        var texts = new[] { File.ReadAllText(p.Combine("releases", "v1", "card.html")), File.ReadAllText(p.Combine("releases", "v1", "card.md")), head.Out, head.Error };
        foreach (var planted in new[] { surname, "ZEBULON", mrn, mrn[3..], Path.GetFileName(folder) })
            Assert.All(texts, t => Assert.DoesNotContain(planted, t, StringComparison.OrdinalIgnoreCase));
        // The card still counts that patient.
        Assert.Equal("2", Table(texts[0], "counts")["patients"][0]);
    }

    /// <summary>A card table's rows by their key (key columns joined by '|'), each row's other cells as text.</summary>
    internal static Dictionary<string, List<string>> Table(string html, string id) => Table(html, id, out _);

    internal static Dictionary<string, List<string>> Table(string html, string id, out List<string> header)
    {
        var table = Regex.Match(html, $"<table data-table=\"{Regex.Escape(id)}\">(.*?)</table>", RegexOptions.Singleline);
        Assert.True(table.Success, $"the card has no table '{id}'");
        header = Regex.Matches(Regex.Match(table.Groups[1].Value, "<thead>(.*?)</thead>", RegexOptions.Singleline).Groups[1].Value, "<th[^>]*>(.*?)</th>")
            .Select(c => WebUtility.HtmlDecode(c.Groups[1].Value)).ToList();
        var rows = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (Match row in Regex.Matches(table.Groups[1].Value, "<tr data-key=\"([^\"]*)\">(.*?)</tr>", RegexOptions.Singleline))
            rows[WebUtility.HtmlDecode(row.Groups[1].Value)] = Regex.Matches(row.Groups[2].Value, "<td[^>]*>(.*?)</td>")
                .Select(c => WebUtility.HtmlDecode(c.Groups[1].Value)).ToList();
        return rows;
    }

    /// <summary>The ids of the card's plots, in order.</summary>
    internal static List<string> Plots(string html) => Regex.Matches(html, "<svg [^>]*data-plot=\"([^\"]+)\"").Select(x => x.Groups[1].Value).ToList();

    private static string Kind(JsonElement file) => file.GetProperty("kind").GetString()!;

    private static string? Member(JsonElement file, string name) =>
        file.GetProperty("item").TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
