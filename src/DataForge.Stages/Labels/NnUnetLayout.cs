using System.Text.Json;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;

namespace DataForge.Stages.Labels;

/// <summary>
/// nnU-Net v2 raw dataset: <c>imagesTr/CASE_0000.nii.gz</c> and <c>labelsTr/CASE.nii.gz</c> for the
/// cases outside the test split that have a mask, <c>imagesTs/CASE_0000.nii.gz</c> for the test split,
/// and <c>dataset.json</c> (channel_names, labels, numTraining, file_ending). Checked the way nnU-Net's
/// verify_dataset_integrity checks: labels consecutive from background 0, every mask value a declared
/// label, image and label of a case on the same grid (shape, affine within 1e-4 mm), numTraining equal
/// to the cases written, one modality per channel. Mask values are renumbered to consecutive ids when
/// the schema's class ids have gaps.
/// </summary>
public static class NnUnetLayout
{
    /// <summary>Largest affine difference nnU-Net's geometry check tolerates here (mm).</summary>
    public const double AffineTolerance = 1e-4;

    public static IReadOnlyList<StageOutput> Write(IReadOnlyList<TrainingCase> cases, IReadOnlyList<(int Id, string Name)> classes, bool hasMasks, CancellationToken cancellationToken)
    {
        if (!hasMasks) throw new LayoutException("nnU-Net trains on segmentation masks; declare a mask annotation in labels.annotations");
        var training = cases.Where(c => !c.IsTest && c.Mask is not null).ToList();
        if (training.Count == 0) throw new LayoutException("no case outside the test split has a mask, so imagesTr would be empty");
        var modalities = training.Select(c => c.Modality).Distinct().Order(StringComparer.Ordinal).ToList();
        if (modalities.Count != 1)
            throw new LayoutException($"nnU-Net needs one modality per channel, the training cases mix {string.Join(", ", modalities)}; select one kind of series");
        var test = cases.Where(c => c.IsTest && c.Modality == modalities[0]).ToList();

        // Declared ids, with background 0, in order; nnU-Net wants them as 0..n-1.
        var declared = classes.Count > 0 ? classes.ToList() : [(0, "background")];
        if (declared.All(c => c.Id != 0)) declared.Insert(0, (0, "background"));
        declared = declared.OrderBy(c => c.Id).ToList();
        var renumber = declared.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);

        var outputs = new List<StageOutput>();
        foreach (var c in training)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var imageBytes = c.Image.ReadAllBytes();
            var image = NiftiReader.Read(new MemoryStream(imageBytes, writable: false), c.Id);
            var label = NiftiReader.Read(new MemoryStream(c.Mask!.ReadAllBytes(), writable: false), c.Id + " label");
            if (!image.Shape.SequenceEqual(label.Shape))
                throw new LayoutException($"case {c.Id}: image shape [{string.Join(", ", image.Shape)}] and label shape [{string.Join(", ", label.Shape)}] differ");
            if (!image.Affine.ApproximatelyEquals(label.Affine, AffineTolerance))
                throw new LayoutException($"case {c.Id}: image and label affines differ");
            var values = label.ToSingles();
            var mapped = new byte[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                if (!renumber.TryGetValue((int)values[i], out var r))
                    throw new LayoutException($"case {c.Id}: label value {values[i]} is not a declared class id");
                mapped[i] = checked((byte)r);
            }
            outputs.Add(new StageOutput($"imagesTr/{c.Id}_0000.nii.gz", NiftiWriter.Gzip(imageBytes)));
            outputs.Add(new StageOutput($"labelsTr/{c.Id}.nii.gz", NiftiWriter.Encode(new Volume(label.Shape.ToArray(), mapped, label.Affine), gzip: true)));
        }
        foreach (var c in test) outputs.Add(new StageOutput($"imagesTs/{c.Id}_0000.nii.gz", NiftiWriter.Gzip(c.Image.ReadAllBytes())));

        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("channel_names");
            json.WriteString("0", modalities[0]);
            json.WriteEndObject();
            json.WriteStartObject("labels");
            foreach (var (id, name) in declared) json.WriteNumber(name, renumber[id]);
            json.WriteEndObject();
            json.WriteNumber("numTraining", training.Count);
            json.WriteString("file_ending", ".nii.gz");
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        outputs.Add(new StageOutput("dataset.json", buffer.ToArray()));
        return outputs;
    }
}
