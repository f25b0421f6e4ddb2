using DataForge.Generators;
using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Dictionary;

public class GeneratedFilesTests
{
    [SkippableFact]
    public void The_committed_dictionary_and_tag_files_are_what_the_generator_writes_from_the_standards_data()
    {
        var attributes = Path.Combine(TestData.DicomStandardData, "attributes.json");
        Skip.IfNot(File.Exists(attributes), "the standard's data is not beside the repository");
        var rows = AttributeRow.Load(attributes);
        var source = SourceNote.Read(TestData.DicomStandardData);
        var dicom = Path.Combine(TestData.RepositoryRoot, "src", "DataForge.Dicom");
        Assert.Equal(DictionaryGenerator.Generate(rows, source), File.ReadAllText(Path.Combine(dicom, "Dictionary", "DicomDictionary.Generated.cs")));
        Assert.Equal(TagsGenerator.Generate(rows, source), File.ReadAllText(Path.Combine(dicom, "DicomTags.Generated.cs")));
    }
}
