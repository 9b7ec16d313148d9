using Fleet.Autoscaler;
using Fleet.Autoscaler.Actuators;
using Fleet.Autoscaler.Scaling;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;

namespace Fleet.UnitTests.Autoscaler;

/// <summary>What a worker process the autoscaler starts is given: its endpoint's env, never in place of Fleet's own settings.</summary>
public sealed class WorkerCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fleet-worker-command-").FullName;

    private static readonly EndpointDefinition s_endpoint = new()
    {
        Id = "summarize", Handler = "echo", Version = 4,
        Env = new Dictionary<string, string>
        {
            ["MODEL_NAME"] = "tiny",
            ["Worker__Id"] = "someone-else",
            ["worker__key"] = "a-key-of-my-own",
            ["RabbitMq__Username"] = "guest",
            ["FLEET_ENDPOINTS_FILE"] = "/tmp/mine.json",
            ["DOTNET_STARTUP_HOOKS"] = "/tmp/hook.dll",
        },
    };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private AutoscalerOptions Options()
    {
        var program = Path.Combine(_directory, "Fleet.Worker.Cpu.dll");
        File.WriteAllText(program, "");
        return new AutoscalerOptions
        {
            CpuWorkerPath = program, WorkerRabbitMqUsername = "worker", WorkerRabbitMqPassword = "secret", WorkerKey = new string('k', 32),
        };
    }

    [Fact]
    public void A_worker_gets_its_endpoints_env_and_fleets_own_settings_which_the_env_cannot_replace()
    {
        var slot = new WorkerSlot("summarize-cpu-1", new WorkerPool(s_endpoint, Hardware.Cpu), WorkerFiles.Of(_directory, "summarize-cpu-1"));

        var start = WorkerCommand.For(Options(), slot, out var skipped);

        Assert.Equal("tiny", start.Environment["MODEL_NAME"]);
        Assert.Equal("summarize-cpu-1", start.Environment["Worker__Id"]);
        Assert.Equal("worker", start.Environment["RabbitMq__Username"]);
        Assert.Equal(new string('k', 32), start.Environment["Worker__Key"]);
        Assert.False(start.Environment.ContainsKey("worker__key"));
        Assert.False(start.Environment.ContainsKey("DOTNET_STARTUP_HOOKS"));
        Assert.Equal(slot.Files.Endpoints, start.Environment[FleetNames.EndpointsFileVariable]);
        Assert.Equal("4", start.Environment[FleetNames.WorkerVersionVariable]);
        Assert.Equal("summarize", start.Environment["Worker__Endpoints__0"]);
        Assert.Equal(5, skipped.Count);
        Assert.All(skipped, s => Assert.Contains("reserved", s));
    }

    [Fact]
    public void The_autoscalers_own_endpoint_settings_and_database_do_not_reach_a_worker()
    {
        var slot = new WorkerSlot("summarize-cpu-2", new WorkerPool(s_endpoint with { Env = new Dictionary<string, string>() }, Hardware.Cpu),
            WorkerFiles.Of(_directory, "summarize-cpu-2"));
        string[] inherited = ["Fleet__Endpoints__0__Id", "fleet__endpoints__1__Handler", "Worker__Endpoints__3", "ConnectionStrings__Fleet"];
        var environment = inherited.ToDictionary(name => name, string? (_) => "x");
        environment["Worker__HeartbeatSeconds"] = "1";

        WorkerCommand.Configure(environment, Options(), slot);

        Assert.All(inherited, name => Assert.False(environment.ContainsKey(name), name));
        Assert.Equal("1", environment["Worker__HeartbeatSeconds"]);
    }

    [Fact]
    public void A_pool_whose_worker_program_is_missing_says_which_setting_to_fix()
    {
        var gpu = new WorkerPool(s_endpoint with { Hardware = Hardware.Gpu }, Hardware.Gpu);

        Assert.Contains("Autoscaler:GpuWorkerPath", WorkerCommand.ProgramProblem(Options(), gpu));
        Assert.Null(WorkerCommand.ProgramProblem(Options(), new WorkerPool(s_endpoint, Hardware.Cpu)));
    }

    [Fact]
    public void A_package_endpoints_worker_runs_its_packages_program_with_the_same_settings_as_fleets_own()
    {
        var endpoint = s_endpoint with { Package = new string('a', 64) };
        var slot = new WorkerSlot("summarize-cpu-3", new WorkerPool(endpoint, Hardware.Cpu), WorkerFiles.Of(_directory, "summarize-cpu-3"));
        var options = Options();
        Assert.Contains("Autoscaler:GatewayUrl", WorkerCommand.ProgramProblem(options, slot.Pool));
        options.GatewayUrl = new Uri("http://127.0.0.1:1/");
        Assert.Null(WorkerCommand.ProgramProblem(options, slot.Pool));
        Assert.Throws<InvalidOperationException>(() => WorkerCommand.For(options, slot, out _));

        slot.PackageProgram = Path.Combine(_directory, "package", "Summarize.dll");
        var start = WorkerCommand.For(options, slot, out _);

        Assert.Equal(slot.PackageProgram, start.ArgumentList[3]);
        Assert.Equal(Path.Combine(_directory, "package"), start.WorkingDirectory);
        Assert.Equal(("summarize-cpu-3", "worker", "4"), (start.Environment["Worker__Id"], start.Environment["RabbitMq__Username"],
            start.Environment[FleetNames.WorkerVersionVariable]));
    }
}
