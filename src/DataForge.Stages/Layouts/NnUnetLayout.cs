using System.Text.Json;
using DataForge.Engine.Stages;
using DataForge.Imaging.Nifti;

namespace DataForge.Stages.Layouts;

/// <summary>
/// nnU-Net v2 raw dataset: <c>imagesTr/CASE_0000.nii.gz</c> and <c>labelsTr/CASE.nii.gz</c> for the
/// cases outside the test split that have a label, <c>imagesTs/CASE_0000.nii.gz</c> for the test split,
/// and <c>dataset.json</c> (channel_names, labels, numTraining, file_ending). A case's label is the merge of its
/// mask annotations' masks (<see cref="CaseLabels"/>). Checked the way nnU-Net's verify_dataset_integrity checks:
/// labels consecutive from background 0, every label value a declared label, image and label of a case on the same
/// grid (shape, affine within 1e-4 mm), numTraining equal to the cases written, one modality per channel: the
/// training cases' modality is the channel's, and a test case of another modality is left out of imagesTs and
/// listed in the report (<see cref="LayoutReport"/>), as is every case whose masks overlap. Mask values are
/// renumbered to consecutive ids when the schema's class ids have gaps; dataset.json's labels follow nnU-Net v2's rules
/// (<see cref="Labels"/>): background is 0, a class named ignore is the highest.
/// </summary>
public static class NnUnetLayout
{
    /// <summary>Largest affine difference nnU-Net's geometry check tolerates here (mm).</summary>
    public const double AffineTolerance = 1e-4;

    /// <summary>
    /// The labels of dataset.json in the order of their new consecutive values, as nnU-Net v2's LabelManager reads them:
    /// id 0 is named <c>background</c> (the name nnU-Net requires, whatever the schema calls it), then the classes in id
    /// order, except that a class named <c>ignore</c> (nnU-Net's ignore label) comes last, since nnU-Net requires the
    /// ignore label to be the highest. A class other than id 0 named background is refused: nnU-Net reserves the name.
    /// </summary>
    public static IReadOnlyList<(int Id, string Name)> Labels(IReadOnlyList<(int Id, string Name)> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.FirstOrDefault(c => c.Id != 0 && c.Name == "background") is { Name: not null } taken)
            throw new LayoutException($"class id {taken.Id} is named 'background', which nnU-Net reserves for id 0; rename it in labels.classes");
        var ordered = classes.Where(c => c.Id != 0).OrderBy(c => c.Id).ToList();
        return [(0, "background"), .. ordered.Where(c => c.Name != "ignore"), .. ordered.Where(c => c.Name == "ignore")];
    }

    public static IReadOnlyList<StageOutput> Write(IReadOnlyList<TrainingCase> cases, IReadOnlyList<(int Id, string Name)> classes, bool hasMasks,
        LayoutReport report, CancellationToken cancellationToken)
    {
        if (!hasMasks) throw new LayoutException("nnU-Net trains on segmentation masks; declare a mask annotation in labels.annotations");
        var training = cases.Where(c => !c.IsTest && c.HasLabel).ToList();
        if (training.Count == 0) throw new LayoutException("no case outside the test split has a mask, so imagesTr would be empty");
        var modalities = training.Select(c => c.Modality).Distinct().Order(StringComparer.Ordinal).ToList();
        if (modalities.Count != 1)
            throw new LayoutException($"nnU-Net needs one modality per channel, the training cases mix {string.Join(", ", modalities)}; select one kind of series");
        var channel = modalities[0];
        var test = new List<TrainingCase>();
        foreach (var c in cases.Where(c => c.IsTest))
        {
            // dataset.json declares one channel: a test image of another modality cannot be an input of this model.
            if (c.Modality == channel) test.Add(c);
            else report.Dropped(c);
        }

        var declared = Labels(classes);
        var renumber = declared.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);

        var outputs = new List<StageOutput>();
        foreach (var c in training)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var imageBytes = c.Image.ReadAllBytes();
            var image = NiftiReader.Read(new MemoryStream(imageBytes, writable: false), c.Id);
            var labels = CaseLabels.Merge(c, image.Shape, image.Affine);
            report.Overlap(c.Id, labels.Overlap);
            var map = labels.ToVolume(v => renumber.TryGetValue(v, out var r) ? r
                : throw new LayoutException($"case {c.Id}: label value {v} is not a declared class id"));
            outputs.Add(new StageOutput($"imagesTr/{c.Id}_0000.nii.gz", NiftiWriter.Gzip(imageBytes), c.Metadata()));
            outputs.Add(new StageOutput($"labelsTr/{c.Id}.nii.gz", NiftiWriter.Encode(map, gzip: true), c.Metadata()));
        }
        foreach (var c in test)
        {
            cancellationToken.ThrowIfCancellationRequested();
            outputs.Add(new StageOutput($"imagesTs/{c.Id}_0000.nii.gz", NiftiWriter.Gzip(c.Image.ReadAllBytes()), c.Metadata()));
        }
        report.List("training", training.Count);
        report.List("test", test.Count);

        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("channel_names");
            json.WriteString("0", channel);
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
