using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Deidentify.Nifti;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify.Nifti;

public sealed class NiftiLeakGateTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-niftigate");
    private static readonly KeyedIdentity Keys = new("niftideid-test-secret-0123456789"u8.ToArray());
    private static readonly DeidPolicy Basic = DeidPolicy.From(JsonDocument.Parse("""{"profile":"basic"}""").RootElement);
    private static readonly JsonObject Sidecar = JsonNode.Parse("""{"PatientName":"BLOGGS^JOE","PatientID":"SYN115838","Modality":"MR"}""")!.AsObject();

    public void Dispose() => _dir.Dispose();

    private static NiftiPatientContext Context() => NiftiPatientContext.For(Keys, Basic, "id:\0SYN115838", "ANON-TEST", ["BLOGGS^JOE", "SYN115838"]);

    private string Write(string name, string descrip, params (int Code, string Text)[] extensions)
    {
        var path = _dir.Combine(name);
        NiftiOracle.Write(new JsonObject
        {
            ["format"] = "nifti1",
            ["text"] = new JsonObject { ["descrip"] = descrip },
            ["extensions"] = new JsonArray(extensions.Select(e => (JsonNode)new JsonArray(e.Code, NiftiOracle.Hex(e.Text))).ToArray()),
        }, path);
        return path;
    }

    [Theory]
    [InlineData("in.nii.gz")]
    [InlineData("in.nii")]
    public void The_gate_finds_a_name_in_descrip_or_in_an_extension_and_passes_the_cleaned_rewrite(string name)
    {
        var leak = NiftiIdentifiers.Collect(null, Sidecar);
        var inDescrip = Write("d-" + name, "T1 of Joe Bloggs");
        var inExtension = Write("e-" + name, "T1", (6, "acquired for SYN115838"));
        var clean = Write("c-" + name, "T1 axial", (6, "phantom run"));

        var found = NiftiLeakGate.CheckNifti(File.ReadAllBytes(inDescrip), leak);
        Assert.NotNull(found);
        Assert.DoesNotContain("Bloggs", found, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(NiftiLeakGate.CheckNifti(File.ReadAllBytes(inExtension), leak));
        Assert.Null(NiftiLeakGate.CheckNifti(File.ReadAllBytes(clean), leak));

        foreach (var input in new[] { inDescrip, inExtension })
        {
            var cleaning = NiftiHeaderCleaner.Clean(NiftiReader.ReadHeader(input), Basic, Context());
            var output = _dir.Combine("out-" + Path.GetFileName(input));
            NiftiWriter.Write(cleaning.ApplyTo(NiftiReader.Read(input)), output);
            Assert.Null(NiftiLeakGate.CheckNifti(File.ReadAllBytes(output), leak));
        }
    }

    [Fact]
    public void The_gate_finds_an_identifier_in_a_sidecar_value_at_any_depth_and_in_an_unlisted_keys_name()
    {
        var leak = NiftiIdentifiers.Collect(null, Sidecar);
        Assert.NotNull(NiftiLeakGate.CheckSidecar(Sidecar, leak));
        var cleaned = SidecarCleaner.Clean(Sidecar, Basic, Context()).Sidecar;
        Assert.Null(NiftiLeakGate.CheckSidecar(cleaned, leak));
        var nested = JsonNode.Parse("""{"Modality":"MR","AnatomicRegionSequence":[{"CodeMeaning":"brain of Bloggs"}]}""")!.AsObject();
        var message = NiftiLeakGate.CheckSidecar(nested, leak);
        Assert.NotNull(message);
        Assert.DoesNotContain("Bloggs", message, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(NiftiLeakGate.CheckSidecar(JsonNode.Parse("""{"Bloggs":1}""")!.AsObject(), leak));
    }

    [Fact]
    public void Labels_the_caller_knows_are_looked_for_too_unless_too_short_to_mean_anything()
    {
        var leak = NiftiIdentifiers.Collect(null, null, others: ["HOSP4711", "01"]);
        Assert.Equal(["HOSP4711"], leak.Values);
        Assert.NotNull(NiftiLeakGate.CheckSidecar(JsonNode.Parse("""{"SeriesDescription":"T1 hosp4711"}""")!.AsObject(), leak));
    }

    [Fact]
    public void A_b_value_extension_stays_and_one_whose_bytes_spell_text_goes()
    {
        var path = Write("b.nii", "");
        var header = NiftiReader.ReadHeader(path);
        var bValue = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(bValue, 1000f);
        var text = "JOHN\0\0\0\0"u8.ToArray();
        var withExtensions = header with
        {
            Extensions = [new NiftiExtension(20, 352, bValue), new NiftiExtension(20, 368, text), new NiftiExtension(24, 384, new byte[8])],
        };
        var cleaning = NiftiHeaderCleaner.Clean(withExtensions, Basic, Context());
        Assert.Equal([20, 24], cleaning.Header.Extensions.Select(e => e.Code));
        Assert.Equal(bValue, cleaning.Header.Extensions[0].Data.ToArray());
        Assert.Equal(1, cleaning.Report.Counts["extension ecode 20 (b_value)"]["kept"]);
        Assert.Equal(1, cleaning.Report.Counts["extension ecode 20 (b_value)"]["removed"]);
    }

    [Fact]
    public void A_damaged_extension_chain_is_flagged_dropped_whole_and_the_voxels_still_read_as_nibabel_reads_them()
    {
        var path = Write("damaged.nii", "", (6, "Joe Bloggs"), (6, "second"));
        var voxels = NiftiOracle.Read(path).GetProperty("voxels").EnumerateArray().Select(v => (short)v.GetInt32()).ToArray();
        var bytes = File.ReadAllBytes(path);
        // The first extension's esize (after the 348-byte header and the 4-byte extender) now runs past vox_offset.
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(352), 1 << 20);
        File.WriteAllBytes(path, bytes);

        var header = NiftiReader.ReadHeader(path);
        Assert.True(header.ExtensionsDamaged);
        Assert.Empty(header.Extensions);
        var volume = NiftiReader.Read(path);
        Assert.Equal(voxels, volume.Voxels<short>().ToArray());
        var cleaning = NiftiHeaderCleaner.Clean(header, Basic, Context());
        Assert.Equal("removed", cleaning.Report.ActionOf("extensions (damaged chain)"));
        Assert.False(cleaning.Header.ExtensionsDamaged);
    }

    [Fact]
    public void Spms_origin_in_originator_stays_as_geometry_and_the_rewrite_has_nibabels_affine()
    {
        var input = _dir.Combine("spm.hdr");
        NiftiOracle.Write(new JsonObject { ["format"] = "spm2", ["origin"] = new JsonArray(3, 2, 4) }, input);
        var theirs = NiftiOracle.Read(input);
        var header = NiftiReader.ReadHeader(input);
        Assert.Equal([3, 2, 4], header.Origin.Select(o => (int)o));
        var cleaning = NiftiHeaderCleaner.Clean(header, Basic, Context());
        Assert.Equal("kept", cleaning.Report.ActionOf("origin"));
        Assert.Equal("", cleaning.Header.TextFields["originator"]);
        var output = _dir.Combine("spm-out.nii");
        NiftiWriter.Write(cleaning.ApplyTo(NiftiReader.Read(input)), output);
        Assert.Equal(theirs.GetProperty("affine").ToString(), NiftiOracle.Read(output).GetProperty("affine").ToString());
    }
}
