namespace DataForge.Generators;

/// <summary>Entry point of the table generators.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("no generator is built yet");
        return 2;
    }
}
