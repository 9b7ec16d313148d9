using System.ComponentModel;
using Fleet.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet jobs ENDPOINT</c>: the endpoint's dead letters (FAILED, TIMED_OUT), newest first, as a table or JSON.</summary>
public sealed class JobsCommand : AsyncCommand<JobsCommand.Settings>
{
    public class Settings : FleetSettings
    {
        [CommandOption("-s|--status <STATES>")]
        [Description("FAILED, TIMED_OUT or both, comma-separated (default both).")]
        public string? Status { get; init; }

        [CommandOption("-n|--limit <N>")]
        [Description("Jobs at most (1 to 1000, default 20).")]
        public int Limit { get; init; } = 20;

        [CommandOption("--before <JOB_ID>")]
        [Description("Start after this job (the 'next' of an earlier page).")]
        public string? Before { get; init; }

        [CommandOption("--json")]
        [Description("Print the jobs' status documents as JSON lines instead of a table.")]
        public bool Json { get; init; }

        /// <summary>The states asked for, null for the server's default.</summary>
        public IReadOnlyCollection<FleetJobState>? States =>
            Status?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToUpperInvariant() switch
            {
                "FAILED" => FleetJobState.Failed,
                "TIMED_OUT" => FleetJobState.TimedOut,
                _ => throw new ArgumentException($"--status: '{s}' is not FAILED or TIMED_OUT."),
            }).ToList();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var page = await settings.CreateClient().Endpoint(settings.Endpoint)
            .ListJobsAsync(settings.States, settings.Limit, settings.Before, cancellationToken);
        if (settings.Json)
        {
            page.Jobs.ToList().ForEach(CliOutput.Line);
            return 0;
        }

        var table = new Table().AddColumns("id", "status", "attempts", "error");
        foreach (var job in page.Jobs)
        {
            var error = job.Error ?? "";
            table.AddRow(job.Id, CliOutput.Name(job.Status), job.Attempts.ToString(),
                Markup.Escape(error.Length > 80 ? error[..80] + "…" : error));
        }

        AnsiConsole.Write(table);
        if (page.Next is { } next)
        {
            CliOutput.Messages.WriteLine($"more: fleet jobs {settings.Endpoint} --before {next}");
        }

        return 0;
    }
}
