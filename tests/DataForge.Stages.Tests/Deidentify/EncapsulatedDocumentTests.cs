using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Store;
using DataForge.Stages.Deidentify;
using DataForge.Testing;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>
/// Encapsulated documents: excluded by default with a reason that says so (also when Burned In Annotation is YES),
/// never published hollowed out; kept whole for a listed SOP class, where a name in the document's compressed text
/// is caught by the leak gate. A kept document is read back by pydicom, byte for byte the input's.
/// </summary>
public sealed class EncapsulatedDocumentTests : IDisposable
{
    private const string PdfStorage = "1.2.840.10008.5.1.4.1.1.104.1";
    private static readonly byte[] Secret = "documents-secret-0123456789abcdef"u8.ToArray();
    private readonly TempDirectory _dir = new("dataforge-documents");

    public void Dispose() => _dir.Dispose();

    /// <summary>A one-page PDF whose page content (Flate-compressed, as writers store it) shows the text.</summary>
    private static byte[] Pdf(string pageText)
    {
        var content = Encoding.ASCII.GetBytes($"BT /F1 12 Tf 72 720 Td ({pageText}) Tj ET");
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(content);
        var pdf = new MemoryStream();
        pdf.Write("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"u8);
        pdf.Write(Encoding.ASCII.GetBytes($"4 0 obj << /Length {compressed.Length} /Filter /FlateDecode >>\nstream\n"));
        pdf.Write(compressed.ToArray());
        pdf.Write("\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8);
        return pdf.ToArray();
    }

    private static DicomFile Document(byte[] pdf, bool burnedIn = false)
    {
        var ds = new DicomDataset()
            .Add(DicomTags.SpecificCharacterSet, "ISO_IR 100")
            .Add(DicomTags.Modality, "DOC")
            .Add(DicomTags.PatientName, "Dokumenta^Clara")
            .Add(DicomTags.PatientID, "PDF-448812")
            .Add(DicomTags.StudyInstanceUID, "1.2.826.0.1.3680043.2.1125.91")
            .Add(DicomTags.SeriesInstanceUID, "1.2.826.0.1.3680043.2.1125.92")
            .Add(DicomTags.DocumentTitle, "Report")
            .Add(DicomTags.MIMETypeOfEncapsulatedDocument, "application/pdf")
            .Add(DicomTags.EncapsulatedDocumentLength, (uint)pdf.Length)
            .Add(DicomTags.EncapsulatedDocument, DicomVR.OB, pdf);
        if (burnedIn) ds.Add(DicomTags.BurnedInAnnotation, "YES");
        return DicomFile.Create(ds, PdfStorage, "1.2.826.0.1.3680043.2.1125.93");
    }

    /// <summary>Builds the instance through the deidentify stage: the failure's reason, or the published file's bytes.</summary>
    private (string? Failure, byte[]? Output) Run(DicomFile file, string policy)
    {
        var project = _dir.Combine(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(project, "raw"));
        File.WriteAllBytes(Path.Combine(project, "raw", "doc.dcm"), file.ToBytes());
        var engine = new BuildEngine(new StoreLayout(project, Path.Combine(project, "out")));
        var pipeline = new Pipeline([new EngineSource("raw", Path.Combine(project, "raw"))],
            [new DeidentifyStage(["raw"], DeidPolicy.From(JsonDocument.Parse(policy).RootElement), Secret)]);
        var result = engine.Build(pipeline, new BuildOptions { Jobs = 1 });
        var outputs = Directory.Exists(Path.Combine(project, "out")) ? Directory.GetFiles(Path.Combine(project, "out"), "*.dcm", SearchOption.AllDirectories) : [];
        return (result.Failures.SingleOrDefault()?.Reason, outputs.Length == 1 ? File.ReadAllBytes(outputs[0]) : outputs.Length == 0 ? null : throw new InvalidOperationException("more than one output"));
    }

    private const string Keep = $$$"""{"profile":"basic","encapsulated_documents":{"keep":["{{{PdfStorage}}}"]}}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void By_default_a_document_is_excluded_with_the_reason_and_never_published_hollowed_out(bool burnedIn)
    {
        var (failure, output) = Run(Document(Pdf("Findings: no acute abnormality"), burnedIn), """{"profile":"basic"}""");
        Assert.Null(output);
        Assert.StartsWith("excluded: an encapsulated document (SOP class " + PdfStorage + ")", failure);
        Assert.DoesNotContain("Burned In", failure);
    }

    [SkippableFact]
    public void A_kept_document_is_published_whole_and_pydicom_reads_the_same_document()
    {
        var pdf = Pdf("Findings: no acute abnormality");
        var (failure, bytes) = Run(Document(pdf), Keep);
        Assert.Null(failure);
        var output = DicomReader.Read(bytes!);
        Assert.Equal(pdf, output.Dataset.GetElement(DicomTags.EncapsulatedDocument)!.Data.ToArray()[..pdf.Length]);
        Assert.Equal("application/pdf", output.Dataset.GetString(DicomTags.MIMETypeOfEncapsulatedDocument));
        Assert.Equal((double)pdf.Length, output.Dataset.GetNumber(DicomTags.EncapsulatedDocumentLength));
        var path = _dir.Combine("kept.dcm");
        File.WriteAllBytes(path, bytes!);
        var python = Oracle.RequirePython("pydicom");
        var read = Oracle.Run(python, ["-c", "import sys, pydicom; ds = pydicom.dcmread(sys.argv[1]); sys.stdout.write(ds.EncapsulatedDocument[:int(ds.EncapsulatedDocumentLength)].hex())", path]);
        Assert.True(read.ExitCode == 0, read.StandardError);
        Assert.Equal(Convert.ToHexString(pdf), read.StandardOutput.Trim(), ignoreCase: true);
    }

    [Theory]
    [InlineData("Patient: Dokumenta, Clara")]
    [InlineData("MRN PDF-448812")]
    public void A_name_or_id_in_the_compressed_text_of_a_kept_document_is_caught_by_the_leak_gate(string text)
    {
        var pdf = Pdf(text);
        // The identifier is nowhere in the raw bytes: only the inflated page content holds it.
        Assert.DoesNotContain("PDF-448812", Encoding.Latin1.GetString(pdf[20..]));
        var (failure, output) = Run(Document(pdf), Keep);
        Assert.Null(output);
        Assert.StartsWith("leak gate: a removed identifier", failure);
        Assert.EndsWith("appears in the text of (0042,0011) EncapsulatedDocument", failure);
    }
}
