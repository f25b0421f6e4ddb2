using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Cli.Output;
using DataForge.Dicom;
using DataForge.Dicom.Formatting;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge inspect FILE</c>: a DICOM or NIfTI header dump, or JSON (the DICOM JSON model of PS3.18 Annex F); PNG, TIFF and BMP facts and metadata blocks (<see cref="RasterInspection"/>).</summary>
public static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A DICOM file (Part 10 or raw dataset), a NIfTI / Analyze file, or a PNG, TIFF or BMP image." };
        var json = ManifestArguments.JsonOption("the header (DICOM JSON model, PS3.18 Annex F, for DICOM)");
        var frames = new Option<bool>("--frames")
        {
            Description = "For DICOM: decode every frame and show, per frame, its fragments, bytes, byte offset, decoded size and stored value range, or why it does not decode (no attribute values are shown)",
        };
        var redact = new Option<bool>("--redact") { Description = "PNG, TIFF and BMP: replace the text of metadata fields by its length, so the dump can be shared." };
        var command = new Command("inspect", """
            Dump a file's header: for DICOM, every element with tag, VR, keyword and value, sequences
            indented (like dcmdump); for NIfTI and Analyze, the header fields and the affine; for PNG, TIFF
            and BMP, the format facts and every field of every metadata block (text chunks, TIFF tags, EXIF,
            XMP). The dump shows the file's values as they are, identifiers included: use it inside the
            private zone, or give --redact (images) to show text values only by their length.

            With --frames, every frame of a DICOM file's pixel data is decoded instead, and the transfer
            syntax, the image's layout and for each frame its fragments, bytes, byte offset in the file,
            decoded size and smallest and largest stored value are shown, or why the frame does not decode:
            the way to see why an instance fails a build. Exit code 1 when a frame does not decode.

            Example:
              dataforge inspect out/dicom/EX-ABC/1.2/3.4/5.6.dcm --json
              dataforge inspect raw/CT/IM0001.dcm --frames
            """);
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.Options.Add(frames);
        command.Options.Add(redact);
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(json), parse.GetValue(frames), parse.GetValue(redact)));
        return command;
    }

    private static int Run(CliContext context, string file, bool json, bool frames, bool redact)
    {
        var path = context.Resolve(file);
        if (Directory.Exists(path)) throw new UserErrorException($"{file} is a folder; inspect reads one file");
        if (!File.Exists(path)) throw new UserErrorException($"{file}: no such file");
        if (RasterInspection.Is(path))
        {
            if (frames) throw new UserErrorException($"{file}: --frames decodes DICOM pixel data; a PNG, TIFF or BMP image has no encapsulated frames");
            return RasterInspection.Run(context, path, file, json, redact);
        }
        if (redact) throw new UserErrorException("--redact is for PNG, TIFF and BMP images; DICOM and NIfTI dumps are for the private zone");
        if (frames && IsNifti(path)) throw new UserErrorException($"{file}: --frames reads DICOM pixel data; a NIfTI or Analyze file has no frames to decode");
        if (frames) return FramesReport.Run(context, path, file, json);
        return IsNifti(path) ? Nifti(context, path, file, json) : Dicom(context, path, file, json);
    }

    private static bool IsNifti(string path)
    {
        var name = path.ToLowerInvariant();
        return name.EndsWith(".nii", StringComparison.Ordinal) || name.EndsWith(".nii.gz", StringComparison.Ordinal)
            || name.EndsWith(".hdr", StringComparison.Ordinal) || name.EndsWith(".img", StringComparison.Ordinal);
    }

    private static int Dicom(CliContext context, string path, string shown, bool json)
    {
        DicomFile dicom;
        try
        {
            dicom = DicomFile.Open(path);
        }
        catch (DicomFormatException e)
        {
            throw new UserErrorException($"{shown}: {Stages.Dicom.ReadFailure.Describe(e)}", ExitCodes.Failed);
        }
        if (json)
        {
            // PS3.18 F.2: the meta information is not part of the model; the dataset is.
            JsonOutput.Write(context.Console, JsonNode.Parse(DicomJsonWriter.ToJson(dicom.Dataset))!);
        }
        else
        {
            DicomTextDump.Write(context.Console.Out, dicom);
        }
        foreach (var warning in dicom.Warnings) context.Console.Note($"{shown}: warning: {warning}");
        return ExitCodes.Success;
    }

    private static int Nifti(CliContext context, string path, string shown, bool json)
    {
        NiftiHeader header;
        try
        {
            header = NiftiReader.ReadHeader(path, shown);
        }
        catch (NiftiFormatException e)
        {
            throw new UserErrorException(e.Message, ExitCodes.Failed);
        }
        var affine = header.SformCode > 0 ? header.Sform : header.QformCode > 0 ? header.Qform : header.AnalyzeAffine;
        var document = new JsonObject
        {
            ["format"] = header.Format.ToString(),
            ["byte_order"] = header.BigEndian ? "big-endian" : "little-endian",
            ["shape"] = new JsonArray(header.Shape.Select(d => (JsonNode)d).ToArray()),
            ["datatype"] = header.VoxelType?.ToString() ?? $"code {header.Datatype}",
            ["pixdim"] = new JsonArray(header.Pixdim.Skip(1).Take(Math.Max(header.Rank, 3)).Select(d => (JsonNode)d).ToArray()),
            ["scl_slope"] = header.SclSlope,
            ["scl_inter"] = header.SclInter,
            ["qform_code"] = header.QformCode,
            ["sform_code"] = header.SformCode,
            ["affine"] = new JsonArray(Enumerable.Range(0, 4).Select(r =>
                (JsonNode)new JsonArray(Enumerable.Range(0, 4).Select(c => (JsonNode)affine[r, c]).ToArray())).ToArray()),
            ["xyzt_units"] = header.XyztUnits,
            ["vox_offset"] = header.VoxOffset,
            ["descrip"] = header.Description,
        };
        if (json)
        {
            JsonOutput.Write(context.Console, document);
            return ExitCodes.Success;
        }
        foreach (var (key, value) in document)
            context.Console.Out.WriteLine($"{key,-11} {Plain(value)}");
        return ExitCodes.Success;
    }

    private static string Plain(JsonNode? node) => node switch
    {
        JsonArray a when a.All(x => x is JsonArray) => string.Join("  ", a.Select(Plain)),
        JsonArray a => "[" + string.Join(", ", a.Select(Plain)) + "]",
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString("G9", CultureInfo.InvariantCulture),
        null => "",
        _ => node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).Trim('"'),
    };
}
