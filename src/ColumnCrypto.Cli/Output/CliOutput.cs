using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ColumnCrypto.Cli.Output;

/// <summary>
/// Standard output of one run: tables and progress bars for people, or (with --json) nothing but one JSON document.
/// </summary>
internal sealed class CliOutput
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly TextWriter _writer;
    private bool _documentWritten;

    public CliOutput(CliEnvironment environment, bool json)
    {
        _writer = environment.Output;
        Json = json;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Output),
            Ansi = environment.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = environment.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = environment.IsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!environment.IsTerminal)
        {
            // Redirected output (a log file, a test): wide enough that tables do not wrap.
            Console.Profile.Width = 200;
        }
    }

    public bool Json { get; }

    public IAnsiConsole Console { get; }

    /// <summary>A line for people; nothing with --json.</summary>
    public void Line(string markup)
    {
        if (!Json)
        {
            Console.MarkupLine(markup);
        }
    }

    /// <summary>A line of plain text (no markup) for people; nothing with --json.</summary>
    public void Text(string text)
    {
        if (!Json)
        {
            Console.WriteLine(text);
        }
    }

    public void Render(IRenderable renderable)
    {
        if (!Json)
        {
            Console.Write(renderable);
        }
    }

    /// <summary>The command's JSON document, with --json only.</summary>
    public void Document(object result)
    {
        if (Json)
        {
            _documentWritten = true;
            _writer.WriteLine(JsonSerializer.Serialize(result, result.GetType(), JsonOptions));
        }
    }

    /// <summary>
    /// The error document with --json (unless the command already wrote its document, which then tells the problem):
    /// the same reason as on standard error, for scripts that read standard output.
    /// </summary>
    public void Failure(int exitCode, string message)
    {
        if (Json && !_documentWritten)
        {
            _writer.WriteLine(JsonSerializer.Serialize(new { ok = false, exitCode, error = message }, JsonOptions));
        }
    }

    public static string Escape(string text) => Markup.Escape(text);
}
