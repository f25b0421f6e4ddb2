namespace DataForge.Generators;

/// <summary>Entry point of the table generators.</summary>
/// <remarks>
/// Usage: <c>dotnet run --project tools/DataForge.Generators [-- REPO_ROOT [PART3_XML]]</c>. Reads the standard's data
/// from REPO_ROOT/../shared/data/dicom-standard (and GDCM's module tables, /usr/share/gdcm-3.0/XML/Part3.xml by
/// default, and dcmtk's private.dic) and rewrites the generated C# files in the repository.
/// </remarks>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = args.Length > 0 ? Path.GetFullPath(args[0]) : FindRoot(Directory.GetCurrentDirectory());
        if (root is null)
        {
            Console.Error.WriteLine("DataForge.sln not found; pass the repository root as the first argument");
            return 2;
        }
        var standard = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "dicom-standard"));
        var attributes = Path.Combine(standard, "attributes.json");
        if (!File.Exists(attributes))
        {
            Console.Error.WriteLine($"{attributes} not found");
            return 2;
        }
        var source = SourceNote.Read(standard);
        var rows = AttributeRow.Load(attributes);
        var dictionaryFolder = Path.Combine(root, "src", "DataForge.Dicom", "Dictionary");
        Directory.CreateDirectory(dictionaryFolder);
        WriteIfChanged(Path.Combine(dictionaryFolder, "DicomDictionary.Generated.cs"), DictionaryGenerator.Generate(rows, source));
        WriteIfChanged(Path.Combine(root, "src", "DataForge.Dicom", "DicomTags.Generated.cs"), TagsGenerator.Generate(rows, source));
        var deidentifyFolder = Path.Combine(root, "src", "DataForge.Stages", "Deidentify");
        Directory.CreateDirectory(deidentifyFolder);
        WriteIfChanged(Path.Combine(deidentifyFolder, "ConfidentialityProfile.Generated.cs"),
            ProfileGenerator.Generate(Path.Combine(standard, "confidentiality_profile_attributes.json"), source));
        WriteIfChanged(Path.Combine(root, "src", "DataForge.Stages", "Curate", "IodModules.Generated.cs"), IodModulesGenerator.Generate(standard, source));
        // PS3.3 module tables (attributes and Types) come from GDCM's XML, which Debian's libgdcm installs.
        var part3 = args.Length > 1 ? args[1] : ModuleTables.DefaultPart3;
        if (!File.Exists(part3))
        {
            Console.Error.WriteLine($"{part3} not found: install libgdcm-tools, or pass the path of GDCM's Part3.xml as the second argument");
            return 2;
        }
        var modules = ModuleTables.Load(standard, part3);
        WriteIfChanged(Path.Combine(deidentifyFolder, "AttributeTypes.Generated.cs"), CompoundTypesGenerator.Generate(standard, modules, source));
        WriteIfChanged(Path.Combine(deidentifyFolder, "SafeAttributes.Generated.cs"), SafeTextGenerator.Generate(rows, standard, modules, source));
        // Private creators' VRs come from dcmtk's private.dic, which Debian's libdcmtk installs.
        if (PrivateDictionaryGenerator.Find() is not { } privateDic)
        {
            Console.Error.WriteLine("/usr/share/libdcmtk*/private.dic not found: install libdcmtk (dcmtk) to generate the private dictionary");
            return 2;
        }
        WriteIfChanged(Path.Combine(dictionaryFolder, "PrivateDictionary.Generated.cs"), PrivateDictionaryGenerator.Generate(privateDic));
        return 0;
    }

    private static void WriteIfChanged(string path, string text)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text)
        {
            Console.WriteLine($"unchanged {path}");
            return;
        }
        File.WriteAllText(path, text);
        Console.WriteLine($"wrote {path}");
    }

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DataForge.sln"))) return dir.FullName;
        return null;
    }
}
