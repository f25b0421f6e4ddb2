namespace DataForge.Manifest.Tests;

/// <summary>The manifest's <c>kind: dicomweb</c> sources and <c>publish:</c> destinations: what is accepted, what is refused and where.</summary>
public sealed class DicomWebManifestTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    private const string Source = """
        version: 1
        name: demo
        sources:
          - id: pacs
            kind: dicomweb
            url: https://pacs.example.invalid/dicom-web
            query:
              PatientID: [P1, P2]
              StudyDate: 20200101-20201231
              Modality: CT
              SeriesDescription: "*AX*"
            auth: {basic: env:PACS_AUTH}
        deidentify: {profile: basic}

        """;

    [Fact]
    public void A_dicomweb_source_with_a_query_and_auth_is_accepted_and_bound()
    {
        var result = _f.Load(Source);
        Assert.Empty(result.Problems);
        var source = Assert.Single(result.Manifest!.Sources);
        Assert.Equal("env:PACS_AUTH", source.Auth!.Basic);
        Assert.Equal(2, source.Query!["PatientID"]!.AsArray().Count);
    }

    [Fact]
    public void A_url_with_credentials_in_it_is_refused_by_the_schema()
    {
        var problems = _f.Problems(Source.Replace("https://pacs.example.invalid", "https://user:pw@pacs.example.invalid"));
        Assert.Contains(problems, p => p.StartsWith("dataforge.yaml:6:", StringComparison.Ordinal) && p.Contains("url", StringComparison.Ordinal));
    }

    [Fact]
    public void Credentials_written_in_auth_instead_of_a_reference_are_refused()
    {
        var problems = _f.Problems(Source.Replace("basic: env:PACS_AUTH", "basic: user:password"));
        Assert.Contains(problems, p => p.StartsWith("dataforge.yaml:12:", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_query_attribute_is_refused_at_its_line()
    {
        var problems = _f.Problems(Source.Replace("Modality: CT", "PatientName: DOE"));
        Assert.Contains(problems, p => p.StartsWith("dataforge.yaml:", StringComparison.Ordinal) && p.Contains("PatientName", StringComparison.Ordinal));
    }

    [Fact]
    public void Query_and_auth_on_a_folder_source_are_refused_at_their_keys()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\n    query: {Modality: CT}\n");
        Assert.Contains("dataforge.yaml:7:5: 'query' is only for dicomweb sources", problems);
    }

    [Fact]
    public void A_dicomweb_source_with_include_globs_is_refused()
    {
        var problems = _f.Problems(Source.Replace("    auth:", "    include: [\"**/*\"]\n    auth:"));
        Assert.Contains(problems, p => p.EndsWith("a dicomweb source selects instances with 'query', not 'include' or 'exclude'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_publish_destination_is_accepted_with_layout_dicom_and_refused_with_a_layout_that_releases_no_instances()
    {
        const string publish = "publish:\n  research:\n    url: http://127.0.0.1:8042/dicom-web\n    auth: {bearer: env:TOKEN}\n    batch: 20\n";
        var accepted = _f.Load(Source + publish);
        Assert.Empty(accepted.Problems);
        Assert.Equal(20, accepted.Manifest!.Publish["research"].Batch);
        var problems = _f.Problems(Source + publish + "output: {layout: nifti}\n");
        Assert.Contains(problems, p => p.Contains("publish: pushes de-identified DICOM instances, but output.layout nifti releases none", StringComparison.Ordinal));
    }

    public void Dispose() => _f.Dispose();
}
