using System.Text.Encodings.Web;
using System.Text.Json;
using Fleet.Client;
using Spectre.Console;

namespace Fleet.Cli;

/// <summary>
/// Where the command writes: results to stdout as JSON (one document or one line each, for pipes),
/// everything meant for a person (progress, tables' notes, errors) to stderr.
/// </summary>
public static class CliOutput
{
    private static readonly JsonSerializerOptions s_compact = new(JsonSerializerDefaults.Web)
        { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions s_indented = new(s_compact) { WriteIndented = true };

    /// <summary>A console on stderr, for progress bars and messages that must not mix with the results.</summary>
    public static IAnsiConsole Messages { get; } =
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>A state as the API writes it (<c>TIMED_OUT</c>).</summary>
    public static string Name(FleetJobState state) => JsonSerializer.Serialize(state).Trim('"');

    /// <summary>One result as a JSON line on stdout.</summary>
    public static void Line<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, s_compact));

    /// <summary>One document, indented, on stdout.</summary>
    public static void Document<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, s_indented));
}
