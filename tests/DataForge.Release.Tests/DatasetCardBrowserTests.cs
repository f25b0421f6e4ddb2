using System.Text.Json;
using System.Text.RegularExpressions;
using DataForge.Testing;
using Xunit.Abstractions;

namespace DataForge.Release.Tests;

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c>) opens a release's card.html from disk with no network: the page asks
/// for nothing (Chromium's net log shows no request the page made), logs nothing to the console (a blocked script or
/// fetch would), its DOM holds the release manifest's counts and every plot, the plots are drawn (the screenshot has
/// pixels of the bars' colour), and printed to PDF it makes a document of several pages. The screenshot and the PDF
/// are kept in the test output folder (card-screenshots/) for people to look at.
/// </summary>
public sealed class DatasetCardBrowserTests(ITestOutputHelper output)
{
    /// <summary>The colour of the first group of every plot's bars (<see cref="Card.CardSvg"/>).</summary>
    private static readonly (int R, int G, int B) BarColour = (0x00, 0x72, 0xB2);

    [SkippableFact]
    public void The_card_of_the_example_data_renders_offline_with_every_plot_and_the_manifests_counts()
    {
        using var p = new ReleaseProject(patients: 3);
        File.AppendAllText(p.Combine("dataforge.yaml"), "splits:\n  ratios: {train: 0.6, val: 0.2, test: 0.2}\nrelease:\n  card: {thumbnails: 2}\n");
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        Check(p, "example-dicom");
        // The thumbnails are in the page Chromium built (data: images, which the card's policy allows and nothing else).
        var html = File.ReadAllText(p.Combine("releases", "v1", "card.html"));
        Assert.Contains("<img src=\"data:image/png;base64,", html);
    }

    [SkippableFact]
    public void The_card_of_a_labelled_nnunet_release_renders_offline_with_every_plot_and_the_manifests_counts()
    {
        using var m = new MatrixProject("hash", "nnunet", curate: true, labels: "mask", splits: true);
        m.Run("build").AssertExit(0);
        m.Run("release", "v1").AssertExit(0);
        Check(m.Project, "nnunet-mask");
    }

    [SkippableFact]
    public void Diff_html_shows_both_releases_tables_and_plots_side_by_side_offline()
    {
        using var m = new MatrixProject("seq", "nnunet", curate: false, labels: "mask", splits: true);
        m.Run("build").AssertExit(0);
        m.Run("release", "v1").AssertExit(0);
        m.AddPatient();
        m.Run("build").AssertExit(0);
        m.Run("release", "v2").AssertExit(0);
        var p = m.Project;

        var wrote = m.Run("diff", "v1", "v2", "--html", "-o", "review.html").AssertExit(0);
        Assert.Contains("review.html", wrote.Out);
        var page = p.Combine("review.html");
        var html = File.ReadAllText(page);
        // Each side's counts are its own release's.
        var pair = Regex.Match(html, "<div class=\"pair\" data-pair=\"table:counts\">(.*?)</div>\n</div>", RegexOptions.Singleline);
        Assert.True(pair.Success, "no counts pair");
        var sides = Regex.Matches(pair.Groups[1].Value, "<table data-table=\"counts\">.*?</table>", RegexOptions.Singleline).Select(x => x.Value).ToList();
        Assert.Equal(2, sides.Count);
        foreach (var (version, side) in new[] { ("v1", sides[0]), ("v2", sides[1]) })
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(p.Combine("releases", version, "manifest.json")));
            Assert.Equal(manifest.RootElement.GetProperty("counts").GetProperty("patients").GetRawText(), DatasetCardTests.Table(side, "counts")["patients"][0]);
        }
        // Every plot of v2's card is there twice (v1 has the same kinds of plot), and the report is the plain diff's.
        var plots = DatasetCardTests.Plots(File.ReadAllText(p.Combine("releases", "v2", "card.html")));
        Assert.NotEmpty(plots);
        Assert.All(plots, id => Assert.Equal(2, Regex.Matches(html, $"<svg [^>]*data-plot=\"{id}\"").Count));
        var text = m.Run("diff", "v1", "v2").AssertExit(0).Out;
        Assert.Contains(System.Net.WebUtility.HtmlEncode(text.Split('\n')[0]), html);

        // Chromium draws it offline: no request, no console message, every plot in the DOM.
        var dom = Chromium(p, page, "--dump-dom");
        Assert.True(dom.ExitCode == 0, dom.StandardError);
        Assert.Empty(PageRequests(p.Combine("net.json")));
        Assert.DoesNotContain(":CONSOLE", dom.StandardError);
        Assert.Equal(DatasetCardTests.Plots(html), DatasetCardTests.Plots(dom.StandardOutput));
        var folder = Path.Combine(AppContext.BaseDirectory, "card-screenshots");
        Directory.CreateDirectory(folder);
        var png = Path.Combine(folder, "diff-nnunet.png");
        File.Delete(png);
        var shot = Chromium(p, page, "--screenshot=" + png, "--window-size=1000,5000", "--hide-scrollbars");
        Assert.True(File.Exists(png), shot.StandardError);
        output.WriteLine($"screenshot: {png}");

        // --html makes a file of its own: with --json it is a usage error.
        m.Run("diff", "v1", "v2", "--html", "--json").AssertExit(2);
    }

    /// <summary>The detector works: a page that loads an image from the network is seen doing so, and its console complaint is seen.</summary>
    [SkippableFact]
    public void A_page_that_fetches_is_caught_by_the_same_checks()
    {
        using var dir = new TempDirectory("dataforge-card-browser");
        var page = dir.Combine("fetches.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"img-src 'none'\"></head>"
            + "<body><img src=\"http://example.invalid/x.png\"><link rel=\"stylesheet\" href=\"http://example.invalid/a.css\"></body></html>");
        var run = Chromium(dir, page, "--dump-dom");
        Assert.NotEmpty(PageRequests(dir.Combine("net.json")));
        Assert.Contains(":CONSOLE", run.StandardError);
    }

    private void Check(ReleaseProject p, string name)
    {
        var card = p.Combine("releases", "v1", "card.html");
        var html = File.ReadAllText(card);
        using var manifest = JsonDocument.Parse(File.ReadAllText(p.Combine("releases", "v1", "manifest.json")));

        var dom = Chromium(p, card, "--dump-dom");
        Assert.True(dom.ExitCode == 0, dom.StandardError);
        Assert.Empty(PageRequests(p.Combine("net.json")));
        Assert.DoesNotContain(":CONSOLE", dom.StandardError);
        // The DOM Chromium built holds the manifest's counts and every plot of the file.
        var counts = DatasetCardTests.Table(dom.StandardOutput, "counts");
        foreach (var member in new[] { "patients", "studies", "series", "files" })
            Assert.Equal(manifest.RootElement.GetProperty("counts").GetProperty(member).GetRawText(), counts[member][0]);
        var plots = DatasetCardTests.Plots(html);
        Assert.Contains("series-length", plots);
        Assert.Equal(plots, DatasetCardTests.Plots(dom.StandardOutput));
        Assert.Equal(Regex.Matches(html, "<img ").Count, Regex.Matches(dom.StandardOutput, "<img ").Count);

        var folder = Path.Combine(AppContext.BaseDirectory, "card-screenshots");
        Directory.CreateDirectory(folder);
        var png = Path.Combine(folder, name + ".png");
        File.Delete(png);
        var shot = Chromium(p, card, "--screenshot=" + png, "--window-size=1000,7000", "--hide-scrollbars");
        Assert.True(File.Exists(png), shot.StandardError);
        Assert.Empty(PageRequests(p.Combine("net.json")));
        output.WriteLine($"screenshot: {png}");
        // Bars were drawn with a width: the screenshot has many pixels of their colour (checked with Pillow).
        var python = Oracle.RequirePython("PIL");
        var count = Oracle.Run(python, ["-c",
            "import sys; from PIL import Image; im = Image.open(sys.argv[1]).convert('RGB'); "
            + "print(sum(1 for px in im.getdata() if px == (int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))))",
            png, BarColour.R.ToString(), BarColour.G.ToString(), BarColour.B.ToString()]);
        Assert.True(count.ExitCode == 0, count.StandardError);
        Assert.True(int.Parse(count.StandardOutput.Trim()) > 2000, $"only {count.StandardOutput.Trim()} bar pixels in {png}");

        // Printed: Chromium's print to PDF gives a document of more than one page (the card is long; print CSS keeps tables whole).
        var pdf = Path.Combine(folder, name + ".pdf");
        File.Delete(pdf);
        var printed = Chromium(p, card, "--print-to-pdf=" + pdf, "--no-pdf-header-footer");
        Assert.True(File.Exists(pdf), printed.StandardError);
        var bytes = File.ReadAllBytes(pdf);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.True(Regex.Matches(System.Text.Encoding.Latin1.GetString(bytes), "/Type\\s*/Page[^s]").Count > 1, "the printed card has one page or none");
        Assert.Empty(PageRequests(p.Combine("net.json")));
    }

    /// <summary>Runs headless Chromium on a file with no network use of its own, a fresh profile, and a net log in the folder.</summary>
    private static ProcessResult Chromium(ReleaseProject p, string file, params string[] mode) => Chromium(p.Path, file, mode);

    private static ProcessResult Chromium(TempDirectory dir, string file, params string[] mode) => Chromium(dir.Path, file, mode);

    private static ProcessResult Chromium(string folder, string file, params string[] mode)
    {
        var chromium = Oracle.Require("chromium");
        var profile = Path.Combine(folder, "chromium-profile");
        if (Directory.Exists(profile)) Directory.Delete(profile, recursive: true);
        return Oracle.Run(chromium,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--log-net-log=" + Path.Combine(folder, "net.json"),
            .. mode, new Uri(file).AbsoluteUri,
        ], folder, timeout: TimeSpan.FromMinutes(2));
    }

    /// <summary>
    /// The URLs the page itself asked for: requests whose isolation key is the file:// page. Chromium's own service
    /// requests (update checks, which the flags do not all silence) have no origin and are not the card's doing.
    /// </summary>
    private static List<string> PageRequests(string netLog)
    {
        using var log = JsonDocument.Parse(File.ReadAllText(netLog));
        var start = log.RootElement.GetProperty("constants").GetProperty("logEventTypes").GetProperty("URL_REQUEST_START_JOB").GetInt32();
        return log.RootElement.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetInt32() == start && e.TryGetProperty("params", out var ps)
                && ps.TryGetProperty("initiator", out var initiator) && initiator.GetString() != "not an origin")
            .Select(e => e.GetProperty("params").GetProperty("url").GetString()!)
            .ToList();
    }
}
