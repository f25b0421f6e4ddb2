using System.Text;
using DataForge.Dicom;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Png;
using DataForge.Release.Changes;

namespace DataForge.Release.Tests;

/// <summary>Each format's content diff names what differs inside a file, and only that; values never appear.</summary>
public sealed class ContentDiffTests
{
    private static string[] Texts(IReadOnlyList<ContentChange>? changes) => Assert.IsAssignableFrom<IReadOnlyList<ContentChange>>(changes).Select(c => c.ToString()).ToArray();

    private static byte[] Instance(Action<DicomDataset> edit)
    {
        var ds = new DicomDataset();
        ds.Add(DicomTags.PatientName, "PSEUDO^ONE");
        ds.Add(DicomTags.PatientSex, "F");
        ds.Add(DicomTags.StudyDescription, "CT HEAD");
        ds.Add(new DicomSequence(DicomTags.ReferencedSeriesSequence, new DicomDataset().Add(DicomTags.SeriesInstanceUID, "2.25.1")));
        ds.Add(new DicomElement(DicomTags.PixelData, DicomVR.OW, new byte[8]));
        edit(ds);
        return DicomFile.Create(ds, "1.2.840.10008.5.1.4.1.1.2", "2.25.99").ToBytes();
    }

    [Fact]
    public void Dicom_attributes_are_named_by_keyword_or_private_tag_with_their_state_on_each_side()
    {
        var before = Instance(_ => { });
        var after = Instance(ds =>
        {
            ds.Remove(DicomTags.PatientSex);                                            // present -> absent
            ds.Add(DicomTags.StudyDescription, "");                                     // present -> empty
            ds.Add(DicomTags.PatientAge, "042Y");                                       // absent -> present
            ds.Add(new DicomSequence(DicomTags.ReferencedSeriesSequence,
                new DicomDataset().Add(DicomTags.SeriesInstanceUID, "2.25.1"), new DicomDataset().Add(DicomTags.SeriesInstanceUID, "2.25.2")));
            ds.Add(new DicomElement(new DicomTag(0x0009, 0x0010), DicomVR.LO, Encoding.ASCII.GetBytes("VENDOR  ")));
        });

        var changes = Texts(DicomContentDiff.Compare(before, after));

        // In tag order: (0008,1030), (0008,1115), (0009,0010), (0010,0040), (0010,1010).
        Assert.Equal(["StudyDescription: present -> empty", "ReferencedSeriesSequence: 1 item -> 2 items", "(0009,0010): absent -> present",
            "PatientSex: present -> absent", "PatientAge: absent -> present"], changes);
        Assert.DoesNotContain(changes, c => c.Contains("042Y", StringComparison.Ordinal) || c.Contains("CT HEAD", StringComparison.Ordinal));
        Assert.Equal(["PixelData: value changed"], Texts(DicomContentDiff.Compare(before, Instance(ds => ds.Add(new DicomElement(DicomTags.PixelData, DicomVR.OW, [0, 0, 0, 0, 0, 0, 0, 1]))))));
        Assert.Null(DicomContentDiff.Compare(before, "not dicom at all, not even a preamble"u8.ToArray()));
    }

    [Fact]
    public void A_nifti_volume_names_its_header_fields_apart_from_its_voxel_data()
    {
        static byte[] Nifti(double spacing, byte last) =>
            NiftiWriter.Encode(new Volume([2, 2, 2], new byte[] { 0, 1, 2, 3, 4, 5, 6, last }, Affine.Diagonal(spacing, spacing, 2)), gzip: true);

        var voxels = Texts(NiftiContentDiff.Compare(Nifti(1, 7), Nifti(1, 9)));
        Assert.Equal(["voxel data: changed"], voxels);

        var spacing = Texts(NiftiContentDiff.Compare(Nifti(1, 7), Nifti(0.5, 7)));
        Assert.Contains("spacing: changed", spacing);
        Assert.DoesNotContain("voxel data: changed", spacing);
        Assert.DoesNotContain("shape: changed", spacing);
        Assert.Equal(["encoding: changed (same header and voxels)"], Texts(NiftiContentDiff.Compare(Nifti(1, 7),
            NiftiWriter.Gzip(NiftiWriter.Encode(new Volume([2, 2, 2], new byte[] { 0, 1, 2, 3, 4, 5, 6, 7 }, Affine.Diagonal(1, 1, 2)), gzip: false), 1))));
    }

    [Fact]
    public void A_png_names_its_size_apart_from_its_pixels()
    {
        var a = PngWriter.Encode8([1, 2, 3, 4], 2, 2);
        Assert.Equal(["pixels: changed"], Texts(PngContentDiff.Compare(a, PngWriter.Encode8([1, 2, 3, 5], 2, 2))));
        Assert.Equal(["size: changed", "pixels: changed"], Texts(PngContentDiff.Compare(a, PngWriter.Encode8([1, 2, 3, 4], 4, 1))));
    }

    [Fact]
    public void A_json_file_names_its_changed_members_and_counts_an_array_s_entries()
    {
        var a = """{"version": 1, "items": [1, 2, 3], "annotation": "grade", "gone": true}"""u8.ToArray();
        var b = """{"version": 1, "items": [1, 2, 3, 4], "annotation": "grades", "new": "PLANTED"}"""u8.ToArray();
        Assert.Equal(["annotation: value changed", "gone: present -> absent", "items: 3 -> 4 entries", "new: absent -> present"], Texts(JsonContentDiff.Compare(a, b)));
    }
}
