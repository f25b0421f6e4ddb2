using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;
using DataForge.Stages.Dicom;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge inspect FILE --frames</c>: decodes every frame of a DICOM file and prints its transfer syntax, image
/// layout, lossy compression and per-frame facts (<see cref="FrameFacts"/>), as a table or one JSON document. Only
/// technical facts: no attribute value that could identify anyone.
/// </summary>
internal static class FramesReport
{
    public static int Run(CliContext context, string path, string shown, bool json)
    {
        DicomFile dicom;
        try
        {
            dicom = DicomFile.Open(path);
        }
        catch (DicomFormatException e)
        {
            throw new UserErrorException($"{shown}: {ReadFailure.Describe(e)}", ExitCodes.Failed);
        }
        DicomPixelData pixels;
        IReadOnlyList<FrameFacts> frames;
        try
        {
            pixels = DicomPixelData.Create(dicom);
            frames = FrameFacts.Of(dicom);
        }
        catch (DicomFormatException e)
        {
            throw new UserErrorException($"{shown}: {e.Reason}", ExitCodes.Failed);
        }
        var syntax = dicom.TransferSyntax;
        var document = new JsonObject
        {
            ["transfer_syntax"] = new JsonObject { ["uid"] = syntax.Uid, ["name"] = syntax.Name },
            ["rows"] = pixels.Rows,
            ["columns"] = pixels.Columns,
            ["samples_per_pixel"] = pixels.SamplesPerPixel,
            ["bits_allocated"] = pixels.BitsAllocated,
            ["bits_stored"] = pixels.BitsStored,
            ["signed"] = pixels.IsSigned,
            ["photometric_interpretation"] = pixels.PhotometricInterpretation.Trim(),
            ["number_of_frames"] = pixels.NumberOfFrames,
            [LossyFacts.Property] = LossyFacts.Of([dicom]),
            ["frames"] = new JsonArray(frames.Select(f => (JsonNode)new JsonObject
            {
                ["frame"] = f.Frame,
                ["fragments"] = f.Fragments,
                ["bytes"] = f.Bytes,
                ["offset"] = f.Offset,
                ["decoded_bytes"] = f.DecodedBytes,
                ["min"] = f.Min,
                ["max"] = f.Max,
                ["error"] = f.Error,
            }).ToArray()),
        };
        var failed = frames.Count(f => f.Error is not null);
        if (json) JsonOutput.Write(context.Console, document);
        else Print(context.Console.Out, document, frames);
        if (failed > 0) context.Console.Problem($"{shown}: {failed} of {frames.Count} frame(s) do not decode");
        foreach (var warning in dicom.Warnings) context.Console.Note($"{shown}: warning: {warning}");
        return failed > 0 ? ExitCodes.Failed : ExitCodes.Success;
    }

    private static void Print(TextWriter output, JsonObject document, IReadOnlyList<FrameFacts> frames)
    {
        var syntax = document["transfer_syntax"]!;
        output.WriteLine($"transfer syntax  {syntax["name"]} ({syntax["uid"]})");
        output.WriteLine($"image            {document["columns"]} x {document["rows"]}, {document["samples_per_pixel"]} sample(s) of {document["bits_stored"]} bits in {document["bits_allocated"]}"
            + $"{((bool)document["signed"]! ? ", signed" : "")}, {document["photometric_interpretation"]}, {document["number_of_frames"]} frame(s)");
        var lossy = document[LossyFacts.Property] as JsonObject;
        output.WriteLine(lossy is null ? "lossy            no"
            : $"lossy            yes ({string.Join(", ", lossy["methods"]!.AsArray().Select(m => m!.ToString()))}"
              + (lossy["ratios"]!.AsArray().Count > 0 ? $"; ratio {string.Join(", ", lossy["ratios"]!.AsArray().Select(r => r!.ToString()))}" : "") + ")");
        output.WriteLine();
        string[] header = ["frame", "fragments", "bytes", "offset", "decoded", "min", "max"];
        var rows = frames.Select(f => new[]
        {
            Text(f.Frame), Text(f.Fragments), Text(f.Bytes), Text(f.Offset), Text(f.DecodedBytes), Text(f.Min), Text(f.Max),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(string.Join("  ", header.Select((h, i) => h.PadLeft(widths[i]))).TrimEnd());
        for (var r = 0; r < rows.Count; r++)
        {
            var line = string.Join("  ", rows[r].Select((v, i) => v.PadLeft(widths[i]))).TrimEnd();
            if (frames[r].Error is { } error) line += "  error: " + error;
            output.WriteLine(line);
        }
    }

    private static string Text(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "-";
}
