using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Deidentify.Nifti;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify.Nifti;

public sealed class NiftiHeaderCleanerTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-niftideid");

    public void Dispose() => _dir.Dispose();

    private static readonly KeyedIdentity Keys = new("niftideid-test-secret-0123456789"u8.ToArray());

    // The planted patient: names in DICOM and free-text order, an ID, a date of birth.
    private static readonly string[] Planted = ["Bloggs", "Joe", "SYN115838", "1969-07-24", "19690724"];

    private static DeidPolicy Policy(params string[] options) =>
        DeidPolicy.From(JsonDocument.Parse(JsonSerializer.Serialize(new { profile = "basic", options })).RootElement);

    private static NiftiPatientContext Context(DeidPolicy policy) =>
        NiftiPatientContext.For(Keys, policy, "id:\0SYN115838", "ANON-TEST", ["BLOGGS^JOE", "SYN115838", "19690724"]);

    private static JsonObject Spec(string format, string descrip = "T1 of Joe Bloggs (SYN115838) born 1969-07-24, TE=15") => new()
    {
        ["format"] = format,
        ["text"] = new JsonObject
        {
            ["descrip"] = descrip,
            ["aux_file"] = "bloggs_joe.lut",
            ["intent_name"] = "Joe Bloggs",
            ["db_name"] = "BLOGGS SYN115838",
        },
        ["extensions"] = new JsonArray(
            new JsonArray(6, NiftiOracle.Hex("scanned for Joe Bloggs")),
            // An implicit VR little endian element (0010,0010) PN "BLOGGS^JOE", as a DICOM extension holds the source header.
            new JsonArray(2, "10001000" + "0a000000" + NiftiOracle.Hex("BLOGGS^JOE")),
            new JsonArray(4, NiftiOracle.Hex("<AFNI_attributes><history>Bloggs</history></AFNI_attributes>"))),
    };

    /// <summary>Cleans a file's header and writes its volume with our writer; returns what nibabel reads back and the cleaning.</summary>
    private (JsonElement Read, NiftiHeaderCleaning Cleaning) CleanAndWrite(string input, DeidPolicy policy)
    {
        var header = NiftiReader.ReadHeader(input);
        var cleaning = NiftiHeaderCleaner.Clean(header, policy, Context(policy));
        var output = _dir.Combine("out-" + Path.GetFileName(input).Replace(".hdr", ".nii", StringComparison.Ordinal));
        NiftiWriter.Write(cleaning.ApplyTo(NiftiReader.Read(input)), output);
        return (NiftiOracle.Read(output), cleaning);
    }

    [Theory]
    [InlineData("nifti1", "in.nii")]
    [InlineData("nifti1", "in.nii.gz")]
    [InlineData("nifti2", "in2.nii")]
    [InlineData("nifti1pair", "pair.hdr")]
    public void Text_fields_are_emptied_and_extensions_dropped_while_voxels_and_affine_stay(string format, string name)
    {
        var input = _dir.Combine(name);
        NiftiOracle.Write(Spec(format), input);
        var original = NiftiOracle.Read(input);

        var (read, cleaning) = CleanAndWrite(input, Policy());

        foreach (var field in new[] { "descrip", "aux_file", "intent_name", "db_name" })
            if (read.GetProperty("text").TryGetProperty(field, out var value)) Assert.Equal("", value.GetString());
        Assert.Empty(read.GetProperty("extensions").EnumerateArray());
        Assert.Equal(original.GetProperty("voxels").ToString(), read.GetProperty("voxels").ToString());
        Assert.Equal(original.GetProperty("shape").ToString(), read.GetProperty("shape").ToString());
        var a = original.GetProperty("affine").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => v.GetDouble()).ToArray();
        var b = read.GetProperty("affine").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => v.GetDouble()).ToArray();
        Assert.All(a.Zip(b), p => Assert.True(Math.Abs(p.First - p.Second) < 1e-5, $"affine {p.First} vs {p.Second}"));

        Assert.Equal("emptied", cleaning.Report.ActionOf("descrip"));
        Assert.Equal("emptied", cleaning.Report.ActionOf("aux_file"));
        Assert.Equal("emptied", cleaning.Report.ActionOf("intent_name"));
        if (format == "nifti1") Assert.Equal("emptied", cleaning.Report.ActionOf("db_name"));
        Assert.Equal("removed", cleaning.Report.ActionOf("extension ecode 2 (dicom)"));
        Assert.Equal("removed", cleaning.Report.ActionOf("extension ecode 6 (comment)"));
        Assert.Equal("removed", cleaning.Report.ActionOf("extension ecode 4 (afni)"));
        Assert.Empty(cleaning.Header.Extensions);
        // The report names fields and actions only.
        var report = JsonSerializer.Serialize(cleaning.Report.Counts);
        Assert.All(Planted, p => Assert.DoesNotContain(p, report, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Under_clean_descriptors_descrip_keeps_its_words_without_the_patients_identifiers()
    {
        var input = _dir.Combine("in.nii");
        NiftiOracle.Write(Spec("nifti1", "T1 of Joe Bloggs (SYN115838) born 1969-07-24, TE=15"), input);
        var (read, cleaning) = CleanAndWrite(input, Policy("clean-descriptors"));

        var descrip = read.GetProperty("text").GetProperty("descrip").GetString()!;
        Assert.All(Planted, p => Assert.DoesNotContain(p, descrip, StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("T1 of ", descrip, StringComparison.Ordinal);
        Assert.EndsWith(", TE=15", descrip, StringComparison.Ordinal);
        Assert.Equal("cleaned", cleaning.Report.ActionOf("descrip"));
        // Other text is emptied whatever the option.
        Assert.Equal("", read.GetProperty("text").GetProperty("aux_file").GetString());
        Assert.Equal("", read.GetProperty("text").GetProperty("intent_name").GetString());
    }

    [Theory]
    [InlineData("label", true)]
    [InlineData("ZSCORE", true)]
    [InlineData("NIFTI_INTENT_T", false)]
    [InlineData("t test", true)]
    [InlineData("Joe Bloggs", false)]
    [InlineData("SYN115838", false)]
    public void Intent_name_stays_only_when_it_names_a_nifti_intent(string intentName, bool kept)
    {
        var input = _dir.Combine("in.nii");
        var spec = Spec("nifti1");
        spec["text"]!["intent_name"] = intentName;
        spec["intent_code"] = 1002;
        NiftiOracle.Write(spec, input);
        var (read, cleaning) = CleanAndWrite(input, Policy());
        Assert.Equal(kept ? intentName : "", read.GetProperty("text").GetProperty("intent_name").GetString());
        Assert.Equal(kept ? "kept" : "emptied", cleaning.Report.ActionOf("intent_name"));
    }

    [Theory]
    [InlineData("nifti1", "in.nii.gz")]
    [InlineData("nifti2", "in.nii")]
    [InlineData("nifti1pair", "in.hdr")]
    public void Our_reader_finds_the_extensions_nibabel_writes_and_reads(string format, string name)
    {
        var input = _dir.Combine(name);
        NiftiOracle.Write(Spec(format), input);
        var theirs = NiftiOracle.Read(input).GetProperty("extensions").EnumerateArray()
            .Select(e => (e[0].GetInt32(), e[1].GetString()!)).ToList();
        var header = NiftiReader.ReadHeader(input);
        // nibabel strips the NUL padding that rounds each extension to 16 bytes.
        var ours = header.Extensions.Select(e => (e.Code, Convert.ToHexStringLower(e.Data.Span.TrimEnd((byte)0)))).ToList();
        Assert.Equal(theirs, ours);
        Assert.False(header.ExtensionsDamaged);
        Assert.All(header.Extensions, e => Assert.Equal(0, (e.Data.Length + 8) % 16));
    }

    [Fact]
    public void Big_endian_headers_and_their_extensions_are_read_as_nibabel_reads_them()
    {
        var input = _dir.Combine("be.nii");
        var spec = Spec("nifti1");
        spec["big_endian"] = true;
        NiftiOracle.Write(spec, input);
        var theirs = NiftiOracle.Read(input);
        var header = NiftiReader.ReadHeader(input);
        Assert.True(header.BigEndian);
        Assert.Equal(theirs.GetProperty("text").GetProperty("descrip").GetString(), header.TextFields["descrip"]);
        Assert.Equal(theirs.GetProperty("text").GetProperty("db_name").GetString(), header.TextFields["db_name"]);
        Assert.Equal(theirs.GetProperty("extensions").EnumerateArray().Select(e => e[0].GetInt32()), header.Extensions.Select(e => e.Code));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Analyze_text_and_history_fields_are_read_as_nibabel_reads_them_and_all_emptied(bool bigEndian)
    {
        var input = _dir.Combine("an.hdr");
        NiftiOracle.Write(new JsonObject
        {
            ["format"] = "analyze",
            ["big_endian"] = bigEndian,
            ["text"] = new JsonObject
            {
                ["descrip"] = "Joe Bloggs", ["aux_file"] = "bloggs", ["db_name"] = "SYN115838", ["data_type"] = "BLOGGS",
                ["generated"] = "Bloggs J", ["scannum"] = "SYN1158", ["patient_id"] = "SYN115838", ["exp_date"] = "20220413",
                ["exp_time"] = "111800", ["hist_un0"] = "JB", ["vox_units"] = "mm", ["cal_units"] = "Bloggs",
            },
            ["numbers"] = new JsonObject { ["views"] = 7, ["vols_added"] = 2, ["omax"] = 30, ["smin"] = -4 },
        }, input);
        var theirs = NiftiOracle.Read(input);
        var header = NiftiReader.ReadHeader(input);
        Assert.Equal(NiftiFormat.Analyze75, header.Format);
        Assert.Equal(bigEndian, header.BigEndian);
        foreach (var field in theirs.GetProperty("text").EnumerateObject())
            Assert.Equal(field.Value.GetString(), header.TextFields[field.Name]);
        foreach (var field in theirs.GetProperty("numbers").EnumerateObject())
            Assert.Equal(field.Value.GetInt32(), header.AnalyzeHistory[field.Name]);

        var policy = Policy("clean-descriptors");
        var cleaning = NiftiHeaderCleaner.Clean(header, policy, Context(policy));
        Assert.All(cleaning.Header.TextFields.Where(f => f.Key != "descrip"), f => Assert.Equal("", f.Value));
        Assert.DoesNotContain("Bloggs", cleaning.Header.Description, StringComparison.OrdinalIgnoreCase);
        Assert.All(cleaning.Header.AnalyzeHistory, f => Assert.Equal(0, f.Value));
        foreach (var field in new[] { "patient_id", "exp_date", "exp_time", "generated", "scannum", "hist_un0", "views", "vols_added", "omax", "smin" })
            Assert.Equal("emptied", cleaning.Report.ActionOf(field));

        // The leak gate looks for the Analyze header's own ID and date, in their written forms.
        var leak = NiftiIdentifiers.Collect(header, null);
        Assert.Contains("SYN115838", leak.Values);
        Assert.Contains("2022-04-13", leak.Values);
        Assert.Contains("20220413", leak.Values);

        // The volume nibabel reads from our NIfTI rewrite keeps the voxels and the affine nibabel gives the Analyze file.
        var output = _dir.Combine("an-out.nii");
        NiftiWriter.Write(cleaning.ApplyTo(NiftiReader.Read(input)), output);
        var read = NiftiOracle.Read(output);
        Assert.Equal(theirs.GetProperty("voxels").ToString(), read.GetProperty("voxels").ToString());
        Assert.Equal(theirs.GetProperty("affine").ToString(), read.GetProperty("affine").ToString());
        Assert.DoesNotContain("Bloggs", read.GetProperty("text").GetProperty("descrip").GetString()!, StringComparison.OrdinalIgnoreCase);
    }
}
