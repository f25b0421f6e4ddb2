using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Imaging.Raster;
using DataForge.Stages.ImageSources;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>inspect</c> of a PNG, TIFF or BMP file: the format facts as DataForge decodes them (size, frames, samples,
/// photometric interpretation, how the file stores them) and every field of every metadata block. Values are shown as
/// the file holds them (private zone), or, with <c>--redact</c>, text values are replaced by their length and fields
/// named only by vocabulary, so the output can be shared.
/// </summary>
internal static class RasterInspection
{
    /// <summary>True when the file starts like a PNG, TIFF or BMP.</summary>
    public static bool Is(string path)
    {
        Span<byte> head = stackalloc byte[8];
        using var stream = File.OpenRead(path);
        var n = stream.Read(head);
        return RasterReader.FormatOf(head[..n]) is not null;
    }

    public static int Run(CliContext context, string path, string shown, bool json, bool redact)
    {
        var bytes = File.ReadAllBytes(path);
        RasterImage image;
        try
        {
            image = RasterReader.Decode(bytes);
        }
        catch (RasterFormatException e)
        {
            throw new UserErrorException($"{shown}: not a readable {RasterReader.FormatOf(bytes)} image: {e.Message}", ExitCodes.Failed);
        }
        var blocks = new JsonArray();
        foreach (var block in ImageMetadataBlocks.Read(bytes))
        {
            var name = redact ? ImageIdentifiers.FieldName(block) : $"{block.Block}:{block.Field}";
            var value = redact && block.IsText ? $"(redacted: {block.Value.Length} characters)" : block.Value;
            blocks.Add(new JsonObject { ["field"] = name, ["value"] = value, ["text"] = block.IsText });
        }
        var document = new JsonObject
        {
            ["format"] = image.Format,
            ["width"] = image.Width,
            ["height"] = image.Height,
            ["frames"] = image.Frames.Count,
            ["samples_per_pixel"] = image.SamplesPerPixel,
            ["bits_allocated"] = image.BitsAllocated,
            ["bits_stored"] = image.BitsStored,
            ["signed"] = image.Signed,
            ["float"] = image.Float,
            ["photometric"] = image.Photometric,
            ["stored_as"] = new JsonArray(image.Notes.Select(n => (JsonNode)n).ToArray()),
            ["metadata"] = blocks,
        };
        if (json)
        {
            JsonOutput.Write(context.Console, document);
            return ExitCodes.Success;
        }
        var o = context.Console.Out;
        o.WriteLine($"format      {image.Format}");
        o.WriteLine($"size        {image.Width}x{image.Height}, {image.Frames.Count} frame(s)");
        o.WriteLine($"samples     {image.SamplesPerPixel} x {image.BitsStored} of {image.BitsAllocated} bits, {(image.Float ? "floating point" : image.Signed ? "signed" : "unsigned")}, {image.Photometric}");
        o.WriteLine($"stored as   {string.Join(", ", image.Notes)}");
        o.WriteLine($"metadata    {blocks.Count} field(s){(redact ? ", text redacted" : "")}");
        foreach (var b in blocks) o.WriteLine($"  {b!["field"]!.GetValue<string>()} = {b["value"]!.GetValue<string>()}");
        return ExitCodes.Success;
    }
}
