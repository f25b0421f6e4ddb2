using System.CommandLine;

namespace DataForge.Cli;

/// <summary>The only entry point: parses the command line and turns outcomes into exit codes.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("DataForge: dataset-as-code for medical imaging.");
        return root.Parse(args).Invoke();
    }
}
