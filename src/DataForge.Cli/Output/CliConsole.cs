using Spectre.Console;

namespace DataForge.Cli.Output;

/// <summary>
/// Where a command writes. Humans get Spectre.Console tables and progress on a terminal, plain lines
/// when output is redirected; colour follows NO_COLOR. With --json, stdout carries exactly one JSON
/// document and everything else goes to stderr.
/// </summary>
public sealed class CliConsole
{
    public CliConsole(TextWriter stdout, TextWriter stderr, bool interactive, bool color)
    {
        Out = stdout;
        Error = stderr;
        Interactive = interactive;
        Color = color;
        // Made when first drawn on: creating it loads Spectre.Console and probes the terminal, which commands printing
        // plain lines (redirected output, --json) never need. Typed object: a field of Lazy<IAnsiConsole> would load
        // Spectre.Console with this class.
        _ansi = new Lazy<object>(() => AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(stdout),
        }), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private readonly Lazy<object> _ansi;

    /// <summary>The process's console, honouring redirection and NO_COLOR.</summary>
    public static CliConsole FromEnvironment()
    {
        var redirected = System.Console.IsOutputRedirected;
        var noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        return new CliConsole(System.Console.Out, System.Console.Error, !redirected, !redirected && !noColor);
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>True on a terminal: progress bars and tables are drawn.</summary>
    public bool Interactive { get; }

    /// <summary>True when colour is allowed.</summary>
    public bool Color { get; }

    /// <summary>Spectre.Console bound to stdout, for tables and progress.</summary>
    public IAnsiConsole Ansi => (IAnsiConsole)_ansi.Value;

    /// <summary>Writes a line to stderr, in red on a colour terminal.</summary>
    public void Problem(string line)
    {
        if (Color) Error.WriteLine($"\u001b[31m{line}\u001b[0m");
        else Error.WriteLine(line);
    }

    /// <summary>Writes a note to stderr (never stdout, which --json reserves for its document).</summary>
    public void Note(string line) => Error.WriteLine(line);
}
