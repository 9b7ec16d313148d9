using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Fleet.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>
/// <c>fleet map ENDPOINT inputs.jsonl &gt; outputs.jsonl</c>: one job per input line, outputs on
/// stdout one line each, a progress bar on stderr.
/// </summary>
public sealed class MapCommand : AsyncCommand<MapCommand.Settings>
{
    public sealed class Settings : FleetSettings
    {
        [CommandArgument(1, "<INPUTS>")]
        [Description("A file of inputs, one JSON value per line ('-' reads stdin).")]
        public string Inputs { get; init; } = "";

        [CommandOption("--unordered")]
        [Description("Print results as jobs end, as {\"index\", \"output\"} lines, instead of in input order.")]
        public bool Unordered { get; init; }

        [CommandOption("--return-exceptions")]
        [Description("Print a failed input as {\"index\", \"error\", ...} and go on, instead of stopping at the first failure.")]
        public bool ReturnExceptions { get; init; }

        [CommandOption("--max-in-flight <N>")]
        [Description("Inputs submitted and not yet printed at most (default 250; keep it under the endpoint's admission limit).")]
        public int MaxInFlight { get; init; } = new FleetMapOptions().MaxInFlight;

        [CommandOption("--batch-size <N>")]
        [Description("Inputs per batch submission (default 250, at most 1000).")]
        public int BatchSize { get; init; } = new FleetMapOptions().BatchSize;

        public override ValidationResult Validate() =>
            Inputs == "-" || File.Exists(Inputs) ? ValidationResult.Success() : ValidationResult.Error($"No such file: {Inputs}");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Read once up front: a bad line stops the map before any job is submitted, and the bar knows its total.
        var inputs = await ReadInputsAsync(settings.Inputs, cancellationToken);
        var endpoint = settings.CreateClient().Endpoint(settings.Endpoint);
        var options = new FleetMapOptions
        {
            Order = settings.Unordered ? FleetMapOrder.Completion : FleetMapOrder.Input,
            MaxInFlight = settings.MaxInFlight,
            BatchSize = settings.BatchSize,
        };
        var plain = !settings.Unordered && !settings.ReturnExceptions;
        var failed = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await CliOutput.Messages.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask($"map {endpoint.Id}: {inputs.Count} inputs", maxValue: inputs.Count);
                await foreach (var result in endpoint.MapResultsAsync(inputs, options, cancellationToken))
                {
                    bar.Increment(1);
                    if (result.Succeeded)
                    {
                        CliOutput.Line(plain ? result.Output : (object)new { index = result.Index, output = result.Output });
                        continue;
                    }

                    failed++;
                    if (!settings.ReturnExceptions)
                    {
                        result.GetOutputOrThrow();
                    }

                    CliOutput.Line(Failure(result));
                }
            });
        // Also where the bar is not drawn (stderr is not a terminal): what happened, in one line.
        CliOutput.Messages.WriteLine(
            $"map {endpoint.Id}: {inputs.Count} inputs, {inputs.Count - failed} completed, {failed} failed " +
            $"in {clock.Elapsed.TotalSeconds:F1} s");
        return failed == 0 ? 0 : 1;
    }

    private static object Failure(FleetMapResult<JsonElement> result) => result.Exception switch
    {
        FleetJobException job => new { index = result.Index, jobId = job.JobId, status = CliOutput.Name(job.State),
            error = job.Error, attempts = job.Attempts },
        FleetApiException refused => new { index = result.Index, error = refused.Message, errors = refused.Errors },
        var other => new { index = result.Index, error = other!.Message },
    };

    private static async Task<List<JsonElement>> ReadInputsAsync(string path, CancellationToken cancellationToken)
    {
        var inputs = new List<JsonElement>();
        var number = 0;
        await foreach (var line in Lines(path, cancellationToken))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                inputs.Add(document.RootElement.Clone());
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}, line {number}: not a JSON value ({e.Message})", e);
            }
        }

        return inputs;
    }

    private static async IAsyncEnumerable<string> Lines(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = path == "-" ? new StreamReader(Console.OpenStandardInput()) : new StreamReader(path);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            yield return line;
        }
    }
}
