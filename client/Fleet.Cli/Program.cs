using Fleet.Cli;
using Fleet.Cli.Commands;
using Fleet.Cli.Deploy;
using Fleet.Cli.Endpoints;
using Fleet.Client;
using Spectre.Console;
using Spectre.Console.Cli;

// Ctrl+C cancels what the command waits for; a waiting command cancels its jobs on the fleet too.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("fleet");
    config.AddCommand<RunCommand>("run").WithDescription("Run a job and print its output (--async: print its id).")
        .WithExample("run", "echo", "--input", "{\"echo\": \"hello\"}");
    config.AddCommand<StatusCommand>("status").WithDescription("Print a job's status document (--wait: until it ends).");
    config.AddCommand<CancelCommand>("cancel").WithDescription("Cancel a queued or running job.");
    config.AddCommand<StreamCommand>("stream").WithDescription("Print a job's streamed chunks until it ends.");
    config.AddCommand<MapCommand>("map").WithDescription("Run one job per line of a file of inputs; print the outputs, one line each.")
        .WithExample("map", "echo", "inputs.jsonl");
    config.AddCommand<JobsCommand>("jobs").WithDescription("List an endpoint's dead letters (FAILED, TIMED_OUT).");
    config.AddCommand<RedriveCommand>("redrive").WithDescription("Queue an endpoint's dead letters again.");
    config.AddBranch("endpoints", endpoints =>
    {
        endpoints.SetDescription("Manage endpoints (/v1/endpoints; an admin API key).");
        endpoints.AddCommand<EndpointsListCommand>("list").WithDescription("List every endpoint (--json: as JSON lines).");
        endpoints.AddCommand<EndpointsShowCommand>("show").WithDescription("Print one endpoint as JSON.");
        endpoints.AddCommand<EndpointsApplyCommand>("apply")
            .WithDescription("Create or replace the endpoints a JSON file defines; unchanged ones stay as they are.")
            .WithExample("endpoints", "apply", "endpoints.json");
        endpoints.AddCommand<EndpointsPatchCommand>("patch").WithDescription("Change some fields of an endpoint.")
            .WithExample("endpoints", "patch", "greeter", "{\"workersMax\": 4}");
        endpoints.AddCommand<EndpointsDeleteCommand>("delete").WithDescription("Delete an endpoint (--force: cancelling its jobs).");
        endpoints.AddCommand<EndpointsResetCommand>("reset")
            .WithDescription("Forget an endpoint's start failures: a failing endpoint takes jobs and gets workers again.");
    });
    config.AddCommand<DeployCommand>("deploy")
        .WithDescription(
            "Publish a function project, upload it as one package and create or update its endpoints (--dry-run: print what it would do).")
        .WithExample("deploy", "samples/summarize/Summarize", "--dry-run");
    config.CancellationExitCode(130);
    config.SetExceptionHandler((exception, _) =>
    {
        CliOutput.Messages.WriteLine(exception switch
        {
            FleetJobException job => $"job {job.JobId} {CliOutput.Name(job.State)}: {job.Error} ({job.Attempts} attempt(s))",
            FleetApiException api => api.Message + string.Concat(api.Errors.Select(e => $"\n  {e.Key}: {string.Join(" ", e.Value)}")),
            _ => exception.Message,
        });
        return exception is FleetJobException ? 1 : 2;
    });
});
return await app.RunAsync(args, cancel.Token);
