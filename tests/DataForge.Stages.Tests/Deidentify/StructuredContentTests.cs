using System.Globalization;
using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>Clean Structured Content (PS3.15 E.3.4) on pydicom's test-SR.dcm, read back by pydicom.</summary>
public sealed class StructuredContentTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-sr");

    public void Dispose() => _dir.Dispose();

    internal static Deidentifier Deid(params string[] options) => new(
        DeidPolicy.From(JsonDocument.Parse(JsonSerializer.Serialize(new { profile = "basic", options })).RootElement),
        new KeyedIdentity("structured-secret-0123456789abcdefgh"u8.ToArray()));

    internal static DicomFile TestSr()
    {
        var input = TestData.PydicomFiles().FirstOrDefault(f => Path.GetFileName(f) == "test-SR.dcm");
        if (input is null) Oracle.RequirePython("pydicom");
        Skip.If(input is null, "test-SR.dcm is not in this pydicom version's test files");
        return DicomReader.ReadFile(input!);
    }

    /// <summary>What pydicom reads from the file (Oracles/content_tree.py).</summary>
    internal static JsonElement Tree(DicomFile file, TempDirectory dir)
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        var path = dir.Combine($"{Guid.NewGuid():N}.dcm");
        file.Save(path);
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "content_tree.py"), path]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return JsonDocument.Parse(run.StandardOutput).RootElement.Clone();
    }

    private static DateOnly Day(string value) => DateOnly.ParseExact(value[..8], "yyyyMMdd", CultureInfo.InvariantCulture);

    private static DicomDataset Code(string value, string meaning) => new DicomDataset()
        .Add(DicomTags.CodeValue, value).Add(DicomTags.CodingSchemeDesignator, "99TEST").Add(DicomTags.CodeMeaning, meaning);

    private static DicomDataset Item(string type, DicomTag valueTag, string value) => new DicomDataset()
        .Add(DicomTags.RelationshipType, "CONTAINS").Add(DicomTags.ValueType, type)
        .Add(DicomTags.ConceptNameCodeSequence, Code("9" + type.Length, type.ToLowerInvariant())).Add(valueTag, value);

    [SkippableFact]
    public void Every_content_item_keeps_its_place_type_and_concept_codes_and_text_stay_and_dates_move_with_the_patient()
    {
        var input = TestSr();
        var result = Deid("clean-structured-content", "retain-longitudinal-modified-dates").Apply(input);
        Assert.Null(LeakGate.Check(result.File, result.RemovedIdentifiers));
        var before = Tree(input, _dir);
        var after = Tree(result.File, _dir);

        var a = before.GetProperty("content").EnumerateArray().ToList();
        var b = after.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(a.Count, b.Count);
        Assert.True(a.Count >= 20, $"test-SR.dcm has {a.Count} content items");
        var shift = Day(after.GetProperty("content_date").GetString()!).DayNumber - Day(before.GetProperty("content_date").GetString()!).DayNumber;
        Assert.NotEqual(0, shift);
        var seen = new HashSet<string>();
        for (var i = 0; i < a.Count; i++)
        {
            foreach (var key in new[] { "depth", "relationship", "type", "concept" })
                Assert.Equal(a[i].GetProperty(key).GetRawText(), b[i].GetProperty(key).GetRawText());
            var type = a[i].GetProperty("type").GetString()!;
            seen.Add(type);
            var was = a[i].GetProperty("value");
            var now = b[i].GetProperty("value");
            switch (type)
            {
                case "TEXT" or "CODE" or "NUM" or "TIME":
                    Assert.Equal(was.GetRawText(), now.GetRawText());
                    break;
                case "DATE" or "DATETIME":
                    Assert.Equal(shift, Day(now.GetString()!).DayNumber - Day(was.GetString()!).DayNumber);
                    Assert.Equal(was.GetString()![8..], now.GetString()![8..]);
                    break;
                case "UIDREF":
                    Assert.NotEqual(was.GetString(), now.GetString());
                    Assert.StartsWith("2.25.", now.GetString());
                    break;
            }
        }
        Assert.Superset(new HashSet<string> { "TEXT", "CODE", "NUM", "DATE", "TIME", "DATETIME", "UIDREF" }, seen);
        Assert.Contains("[113104]", DicomDump(result.File));
    }

    private string DicomDump(DicomFile file)
    {
        var dcmdump = Oracle.Require("dcmdump");
        var path = _dir.Combine($"{Guid.NewGuid():N}.dcm");
        file.Save(path);
        return Oracle.Run(dcmdump, [path]).StandardOutput;
    }

    [SkippableFact]
    public void Without_the_option_the_profile_keeps_the_tree_and_replaces_its_text_and_dates_by_dummies()
    {
        var input = TestSr();
        var result = Deid().Apply(input);
        var before = Tree(input, _dir).GetProperty("content").EnumerateArray().ToList();
        var after = Tree(result.File, _dir).GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(before.Count, after.Count);
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i].GetProperty("concept").GetRawText(), after[i].GetProperty("concept").GetRawText());
            var type = before[i].GetProperty("type").GetString();
            if (type == "TEXT") Assert.Equal("ANONYMIZED", after[i].GetProperty("value").GetString());
            if (type == "DATE") Assert.Equal("19000101", after[i].GetProperty("value").GetString());
        }
        Assert.DoesNotContain("[113104]", DicomDump(result.File));
    }

    [SkippableFact]
    public void Names_and_ids_in_text_become_XXXX_the_patient_in_a_PNAME_becomes_the_pseudonym_and_other_people_a_dummy()
    {
        var input = TestSr();
        var ds = input.Dataset;
        ds.Add(DicomTags.PatientName, "Doe^Jane").Add(DicomTags.PatientID, "MRN12345");
        var content = (DicomSequence)ds.Get(DicomTags.ContentSequence)!;
        content.Add(Item("TEXT", DicomTags.TextValue, "Jane Doe (MRN12345) was seen by Dr Riesmeier"));
        content.Add(Item("PNAME", DicomTags.PersonName, "DOE^JANE"));
        content.Add(Item("PNAME", DicomTags.PersonName, "Smith^Anna"));
        ds.Add(DicomTags.AcquisitionContextSequence, Item("TEXT", DicomTags.TextValue, "positioned by Anna Smith"));

        var result = Deid("clean-structured-content").Apply(input);
        Assert.Null(LeakGate.Check(result.File, result.RemovedIdentifiers));
        var tree = Tree(result.File, _dir);
        var items = tree.GetProperty("content").EnumerateArray().Where(e => e.GetProperty("depth").GetInt32() == 0).ToList();
        Assert.Equal("XXXX XXXX (XXXX) was seen by Dr XXXX", items[^3].GetProperty("value").GetString());
        Assert.Equal(result.Pseudonym, tree.GetProperty("patient_name").GetString());
        Assert.Equal(result.Pseudonym, items[^2].GetProperty("value").GetString());
        Assert.Equal("ANONYMIZED", items[^1].GetProperty("value").GetString());
        var context = Assert.Single(tree.GetProperty("acquisition_context").EnumerateArray());
        Assert.Equal("positioned by XXXX XXXX", context.GetProperty("value").GetString());

        // Without the option, X/Z on Acquisition Context Sequence: no module of an SR's IOD holds it, so it is removed.
        var basic = Tree(Deid().Apply(DicomReader.Read(input.ToBytes())).File, _dir);
        Assert.False(basic.GetProperty("has_acquisition_context").GetBoolean());
    }
}
