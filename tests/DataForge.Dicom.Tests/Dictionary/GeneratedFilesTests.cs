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

    [SkippableFact]
    public void The_committed_private_dictionary_module_types_and_safe_text_list_are_what_the_generators_write()
    {
        var attributes = Path.Combine(TestData.DicomStandardData, "attributes.json");
        Skip.IfNot(File.Exists(attributes), "the standard's data is not beside the repository");
        var privateDic = PrivateDictionaryGenerator.Find();
        Skip.If(privateDic is null || !File.Exists(ModuleTables.DefaultPart3), "dcmtk's private.dic or GDCM's Part3.xml is not installed");
        var source = SourceNote.Read(TestData.DicomStandardData);
        var modules = ModuleTables.Load(TestData.DicomStandardData, ModuleTables.DefaultPart3);
        var deidentify = Path.Combine(TestData.RepositoryRoot, "src", "DataForge.Stages", "Deidentify");
        Assert.Equal(PrivateDictionaryGenerator.Generate(privateDic!),
            File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "src", "DataForge.Dicom", "Dictionary", "PrivateDictionary.Generated.cs")));
        Assert.Equal(CompoundTypesGenerator.Generate(TestData.DicomStandardData, modules, source), File.ReadAllText(Path.Combine(deidentify, "AttributeTypes.Generated.cs")));
        Assert.Equal(SafeTextGenerator.Generate(AttributeRow.Load(attributes), TestData.DicomStandardData, modules, source),
            File.ReadAllText(Path.Combine(deidentify, "SafeAttributes.Generated.cs")));
    }
}
