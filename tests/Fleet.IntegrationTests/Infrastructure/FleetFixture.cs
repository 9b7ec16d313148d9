using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.Contracts;
using Npgsql;

namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>
/// One fleet for the integration tier: the test servers, a database and a RabbitMQ virtual host of
/// its own (so runs never see each other's jobs or messages), a gateway process and a CPU worker.
/// Each process gets the credentials its role has in production (<see cref="Role"/>); the admin
/// users of both servers only create and drop the run's database and virtual host.
/// </summary>
public sealed class FleetFixture : IAsyncLifetime
{
    public const string ApiKey = "integration-test-key";

    public const string WebhookSecret = "integration-test-webhook-secret";

    public const int WebhookMaxAttempts = 3;

    /// <summary>An echo endpoint whose worker runs one job at a time, so jobs can wait behind another.</summary>
    public const string SerialEndpoint = "echo-serial";

    /// <summary>An echo endpoint that gives a failing job three attempts.</summary>
    public const string RetryingEndpoint = "echo-retrying";

    /// <summary>An echo endpoint used only by the dead-letter tests, so its job list is theirs alone.</summary>
    public const string DeadLetterEndpoint = "echo-dead-letters";

    /// <summary>An echo endpoint with workersMax 0, so admission control refuses past 50 queued jobs.</summary>
    public const string AdmissionEndpoint = "echo-admission";

    /// <summary>An echo endpoint used only by the client and CLI tests (dead letters, maps), 16 jobs at once.</summary>
    public const string ClientEndpoint = "echo-client";

    /// <summary>The echo endpoint the fuzz test hammers.</summary>
    public const string FuzzEndpoint = "echo-fuzz";

    /// <summary>An echo endpoint served only by the workers the chaos tests start and kill.</summary>
    public const string ChaosEndpoint = "echo-chaos";

    /// <summary>An echo endpoint served only by the worker the runaway-handler test starts (and stops).</summary>
    public const string RunawayEndpoint = "echo-runaway";

    /// <summary>Running jobs' leases here: short, so tests of lost workers are quick.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);

    /// <summary>Autoscaled endpoints: served only by the workers an autoscaler test starts, never by <see cref="Worker"/>.</summary>
    public const string BurstEndpoint = "echo-autoscaled";

    /// <summary>Scaled like <see cref="BurstEndpoint"/>, for the test that kills its autoscaler mid-burst.</summary>
    public const string AdoptionEndpoint = "echo-adopted";

    public const string QueueDelayEndpoint = "echo-queue-delay";

    public const string LowPriorityEndpoint = "echo-low-priority";

    public const string LowPriorityMinOneEndpoint = "echo-low-priority-min1";

    public const string CrashEndpoint = "echo-crash";

    /// <summary>An autoscaled echo endpoint whose rollout test changes its definition in the catalog.</summary>
    public const string RolloutEndpoint = "echo-rollout";

    /// <summary>An echo endpoint no worker ever serves: its jobs stay queued (forged report tests).</summary>
    public const string UnservedEndpoint = "echo-unserved";

    /// <summary>The echo endpoints the shared CPU worker serves (none of the chaos or autoscaled ones).</summary>
    public static readonly IReadOnlyList<string> SharedWorkerEndpoints =
        ["echo", SerialEndpoint, RetryingEndpoint, DeadLetterEndpoint, AdmissionEndpoint, FuzzEndpoint, ClientEndpoint];

    private readonly string _runId = Guid.NewGuid().ToString("N")[..10];
    private readonly string _workDir = Directory.CreateTempSubdirectory("fleet-it-").FullName;
    // Generated per run, as ./fleet up generates them per installation.
    private readonly string _reportKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private readonly string _workerKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private IReadOnlyDictionary<string, string> _servers = null!;
    private string _adminConnection = null!;
    private int _gatewayPort;

    /// <summary>Whose credentials a process gets.</summary>
    public enum Role
    {
        /// <summary>Database owner (not a superuser), broker user with vhost rights only.</summary>
        Gateway,

        /// <summary>No database; broker user with vhost rights only; the heartbeat key.</summary>
        Worker,

        /// <summary>Read-only database role; monitoring broker user; the workers' credentials to pass on.</summary>
        Autoscaler,
    }

    public FleetProcess Gateway { get; private set; } = null!;

    public FleetProcess Worker { get; private set; } = null!;

    /// <summary>The GPU worker binary; without a GPU it computes on the CPU and reports no GPU memory.</summary>
    public FleetProcess GpuWorker { get; private set; } = null!;

    /// <summary>The GPU worker binary serving the CPU-fallback queues of the GPU endpoints.</summary>
    public FleetProcess FallbackWorker { get; private set; } = null!;

    public string GpuWorkerId => "gpu-it-" + _runId;

    public string FallbackWorkerId => "gpu-fallback-it-" + _runId;

    public HttpClient Api { get; private set; } = null!;

    /// <summary>The endpoint catalog (table <c>endpoints</c>), written as the gateway writes it.</summary>
    public CatalogForTests Catalog { get; private set; } = null!;

    /// <summary>This run's database as the gateway's role (its owner, not a superuser).</summary>
    public string ConnectionString { get; private set; } = null!;

    /// <summary>This run's database as the autoscaler's read-only role.</summary>
    public string AutoscalerConnectionString { get; private set; } = null!;

    public string VirtualHost => "fleet-it-" + _runId;

    /// <summary>The key workers sign heartbeats and package requests with.</summary>
    public string WorkerKey => _workerKey;

    /// <summary>The broker's management API address.</summary>
    public Uri ManagementUri => new($"http://127.0.0.1:{_servers["RabbitMq__ManagementPort"]}/");

    /// <summary>(user, password) of a role's broker user.</summary>
    public (string User, string Password) BrokerUser(Role role) => role switch
    {
        Role.Gateway => (_servers["RabbitMq__Username"], _servers["RabbitMq__Password"]),
        Role.Worker => (_servers["FLEET_RABBIT_WORKER_USER"], _servers["FLEET_RABBIT_WORKER_PASSWORD"]),
        _ => (_servers["FLEET_RABBIT_MONITOR_USER"], _servers["FLEET_RABBIT_MONITOR_PASSWORD"]),
    };

    private string Database => "fleet_it_" + _runId;

    public async Task InitializeAsync()
    {
        _servers = TestServers.Start();
        _adminConnection = _servers["FLEET_PG_ADMIN_URL"];
        ConnectionString = new NpgsqlConnectionStringBuilder(_servers["ConnectionStrings__Fleet"]) { Database = Database }.ConnectionString;
        AutoscalerConnectionString =
            new NpgsqlConnectionStringBuilder(_servers["FLEET_DB_AUTOSCALER_URL"]) { Database = Database }.ConnectionString;
        var (owner, reader) = (_servers["FLEET_DB_USER"], _servers["FLEET_DB_AUTOSCALER_USER"]);
        await using (var admin = new NpgsqlConnection(_adminConnection))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {Database} OWNER {owner}", admin).ExecuteNonQueryAsync();
        }

        // As infra/postgres.sh does for the fleet database: the autoscaler reads what the gateway creates.
        var adminOfRun = new NpgsqlConnectionStringBuilder(_adminConnection) { Database = Database }.ConnectionString;
        await using (var admin = new NpgsqlConnection(adminOfRun))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT SELECT ON TABLES TO {reader}", admin)
                .ExecuteNonQueryAsync();
        }

        using (var management = AdminManagementClient())
        {
            (await management.PutAsync($"api/vhosts/{VirtualHost}", null)).EnsureSuccessStatusCode();
            foreach (var (role, rights) in new[] { (Role.Gateway, ".*"), (Role.Worker, ".*"), (Role.Autoscaler, "") })
            {
                // The monitoring user needs access to the vhost to read its queues, and no rights in it.
                (await management.PutAsJsonAsync($"api/permissions/{VirtualHost}/{BrokerUser(role).User}",
                    new { configure = rights, write = rights, read = rights })).EnsureSuccessStatusCode();
            }
        }

        await File.WriteAllTextAsync(EndpointsFile, $$$"""
            {"Fleet": {"Endpoints": [
              {"id": "echo", "handler": "echo", "workersMax": 4, "concurrencyPerWorker": 32},
              {"id": "{{{SerialEndpoint}}}", "handler": "echo", "concurrencyPerWorker": 1},
              {"id": "{{{RetryingEndpoint}}}", "handler": "echo", "maxAttempts": 3, "concurrencyPerWorker": 4},
              {"id": "{{{DeadLetterEndpoint}}}", "handler": "echo", "concurrencyPerWorker": 4},
              {"id": "{{{AdmissionEndpoint}}}", "handler": "echo", "workersMax": 0, "concurrencyPerWorker": 1},
              {"id": "{{{FuzzEndpoint}}}", "handler": "echo", "concurrencyPerWorker": 4},
              {"id": "{{{ClientEndpoint}}}", "handler": "echo", "concurrencyPerWorker": 16},
              {"id": "{{{ChaosEndpoint}}}", "handler": "echo", "concurrencyPerWorker": 16},
              {"id": "{{{RunawayEndpoint}}}", "handler": "echo", "concurrencyPerWorker": 2},
              {"id": "{{{UnservedEndpoint}}}", "handler": "echo"},
              {"id": "{{{BurstEndpoint}}}", "handler": "echo", "workersMin": 0, "workersMax": 4, "idleTimeoutSeconds": 3,
               "scalerType": "REQUEST_COUNT", "scalerValue": 1, "concurrencyPerWorker": 1},
              {"id": "{{{AdoptionEndpoint}}}", "handler": "echo", "workersMin": 0, "workersMax": 4, "idleTimeoutSeconds": 3,
               "scalerType": "REQUEST_COUNT", "scalerValue": 1, "concurrencyPerWorker": 1},
              {"id": "{{{QueueDelayEndpoint}}}", "handler": "echo", "workersMin": 1, "workersMax": 2, "idleTimeoutSeconds": 30,
               "scalerType": "QUEUE_DELAY", "scalerValue": 3, "concurrencyPerWorker": 1},
              {"id": "{{{LowPriorityEndpoint}}}", "handler": "echo", "workersMin": 0, "workersMax": 2,
               "scalerType": "REQUEST_COUNT", "scalerValue": 1, "concurrencyPerWorker": 1},
              {"id": "{{{LowPriorityMinOneEndpoint}}}", "handler": "echo", "workersMin": 1, "workersMax": 3, "idleTimeoutSeconds": 30,
               "scalerType": "REQUEST_COUNT", "scalerValue": 1, "concurrencyPerWorker": 1},
              {"id": "{{{CrashEndpoint}}}", "handler": "echo", "workersMin": 1, "workersMax": 1, "concurrencyPerWorker": 1},
              {"id": "{{{RolloutEndpoint}}}", "handler": "echo", "workersMin": 1, "workersMax": 2, "idleTimeoutSeconds": 30,
               "scalerType": "QUEUE_DELAY", "scalerValue": 4, "concurrencyPerWorker": 1},
              {"id": "mlp", "handler": "mlp", "hardware": "Gpu", "cpuFallback": true, "concurrencyPerWorker": 2},
              {"id": "matmul", "handler": "matmul", "hardware": "Gpu", "cpuFallback": true},
              {"id": "vector", "handler": "vector", "hardware": "Gpu", "cpuFallback": false, "concurrencyPerWorker": 2}
            ]}}
            """);

        _gatewayPort = FreePort();
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_gatewayPort}/"), Timeout = TimeSpan.FromSeconds(100) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

        await StartGatewayAsync();
        Catalog = new CatalogForTests(Api);
        Worker = StartCpuWorker("cpu-it-" + _runId, [.. SharedWorkerEndpoints.Select((e, i) => ($"Worker__Endpoints__{i}", e))]);
        GpuWorker = StartGpuWorker(GpuWorkerId);
        FallbackWorker = StartGpuWorker(FallbackWorkerId, ("Worker__Hardware", "Cpu"));
        await Eventually.True(async () => await WorkersAsync("echo") > 0, TimeSpan.FromSeconds(60), () => Worker.Tail());
        // Both GPU-binary workers serve mlp (one its GPU queue, one its CPU-fallback queue); each
        // reports ready only after its model loaded.
        await Eventually.True(async () => await WorkersAsync("mlp") == 2, TimeSpan.FromSeconds(120),
            () => GpuWorker.Tail() + "\n" + FallbackWorker.Tail());
    }

    /// <summary>Starts a CPU worker process; extra settings as (key, value).</summary>
    public FleetProcess StartCpuWorker(string id, params (string Key, string Value)[] settings)
    {
        var environment = Environment(Role.Worker, "Worker__Id", id);
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        return FleetProcess.Start(id, RepoPaths.Program("workers/cpu", "Fleet.Worker.Cpu"), environment);
    }

    /// <summary>
    /// Starts a CPU worker that serves only <paramref name="endpoint"/> and logs every run it
    /// reports (<c>Job … attempt … reported …</c>), so tests can count handler runs; its id is
    /// <c>cpu-{name}-{random}</c>.
    /// </summary>
    public (FleetProcess Process, string Id) StartEndpointWorker(string name, string endpoint, params (string Key, string Value)[] settings)
    {
        var id = $"cpu-{name}-{Guid.NewGuid().ToString("N")[..6]}";
        return (StartCpuWorker(id, [("Worker__Endpoints__0", endpoint), ("Logging__LogLevel__Fleet.Worker.Sdk.JobRunner", "Debug"), .. settings]), id);
    }

    /// <summary>
    /// Starts a CPU worker for an endpoint that exists only in the catalog (made through /v1), from an endpoints
    /// file of its own holding <paramref name="definitionJson"/>, as the autoscaler starts one.
    /// </summary>
    public (FleetProcess Process, string Id) StartCatalogEndpointWorker(string endpoint, string definitionJson)
    {
        var file = Path.Combine(_workDir, $"endpoints-{endpoint}-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, $$$"""{"Fleet": {"Endpoints": [{{{definitionJson}}}]}}""");
        return StartEndpointWorker(endpoint, endpoint, ("FLEET_ENDPOINTS_FILE", file));
    }

    /// <summary>Starts a GPU worker process (on the CPU device here); extra settings as (key, value).</summary>
    public FleetProcess StartGpuWorker(string id, params (string Key, string Value)[] settings)
    {
        var environment = Environment(Role.Worker, "Worker__Id", id);
        environment["Gpu__Device"] = "cpu";
        environment["Gpu__DataDirectory"] = Path.Combine(_workDir, "gpu-data");
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        return FleetProcess.Start(id, RepoPaths.Program("workers/gpu", "Fleet.Worker.Gpu"), environment);
    }

    /// <summary>
    /// Starts an autoscaler process that scales only <paramref name="endpoints"/>, with real worker
    /// processes; waits until it serves its API. Disposing it kills it and its workers.
    /// </summary>
    public Task<AutoscalerProcess> StartAutoscalerAsync(params string[] endpoints) =>
        StartAutoscalerAsync(Path.Combine(_workDir, $"autoscaler-{Guid.NewGuid():N}"), endpoints);

    /// <summary>As <see cref="StartAutoscalerAsync(string[])"/>, with extra settings as (key, value).</summary>
    public Task<AutoscalerProcess> StartAutoscalerAsync(string[] endpoints, params (string Key, string Value)[] settings) =>
        StartAutoscalerAsync(Path.Combine(_workDir, $"autoscaler-{Guid.NewGuid():N}"), endpoints, settings);

    /// <summary>
    /// Starts an autoscaler with extra settings (<c>Urls</c> among them, if given) for
    /// <see cref="AdmissionEndpoint"/>, whose workersMax 0 means it never starts a worker; does not
    /// wait for it to serve, so a test of a refused start can read its exit.
    /// </summary>
    public AutoscalerProcess StartAutoscalerWith(params (string Key, string Value)[] settings)
    {
        var port = FreePort();
        var environment = AutoscalerEnvironment(Path.Combine(_workDir, $"autoscaler-{Guid.NewGuid():N}"), [AdmissionEndpoint], port);
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        return new AutoscalerProcess(
            FleetProcess.Start("autoscaler", RepoPaths.Program("autoscaler/Fleet.Autoscaler", "Fleet.Autoscaler"), environment),
            new Uri($"http://127.0.0.1:{port}/"), environment["Autoscaler__WorkerLogDirectory"], [AdmissionEndpoint]);
    }

    /// <summary>
    /// Starts an autoscaler in place of a killed one: same endpoints, same worker log directory (with
    /// the pid files of the workers the predecessor left running).
    /// </summary>
    public Task<AutoscalerProcess> StartSuccessorAsync(AutoscalerProcess predecessor) =>
        StartAutoscalerAsync(predecessor.WorkerLogDirectory, [.. predecessor.Endpoints]);

    private async Task<AutoscalerProcess> StartAutoscalerAsync(string workerLogDirectory, string[] endpoints,
        params (string Key, string Value)[] settings)
    {
        var port = FreePort();
        var environment = AutoscalerEnvironment(workerLogDirectory, endpoints, port);
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var autoscaler = new AutoscalerProcess(
            FleetProcess.Start("autoscaler", RepoPaths.Program("autoscaler/Fleet.Autoscaler", "Fleet.Autoscaler"), environment),
            new Uri($"http://127.0.0.1:{port}/"), environment["Autoscaler__WorkerLogDirectory"], endpoints);
        await autoscaler.WaitUntilServingAsync();
        return autoscaler;
    }

    private Dictionary<string, string> AutoscalerEnvironment(string workerLogDirectory, string[] endpoints, int port)
    {
        var environment = Environment(Role.Autoscaler, "Urls", $"http://127.0.0.1:{port}");
        environment["Autoscaler__CpuWorkerPath"] = RepoPaths.Program("workers/cpu", "Fleet.Worker.Cpu");
        environment["Autoscaler__GpuWorkerPath"] = RepoPaths.Program("workers/gpu", "Fleet.Worker.Gpu");
        environment["Autoscaler__WorkerLogDirectory"] = Directory.CreateDirectory(workerLogDirectory).FullName;
        environment["Autoscaler__GatewayUrl"] = Api.BaseAddress!.AbsoluteUri;
        environment["Autoscaler__PackageDirectory"] = Path.Combine(workerLogDirectory, "packages");
        for (var i = 0; i < endpoints.Length; i++)
        {
            environment[$"Autoscaler__Endpoints__{i}"] = endpoints[i];
        }

        return environment;
    }

    /// <summary>Runs the gateway's key tool (<c>Fleet.Gateway keys …</c>) against this fleet's database; returns its output.</summary>
    public async Task<string> KeysAsync(params string[] args)
    {
        var (exitCode, output) = await RunKeysAsync(args);
        Assert.True(exitCode == 0, $"keys {string.Join(' ', args)} failed: {output}");
        return output;
    }

    /// <summary>Creates an API key with <c>keys create</c> (and <paramref name="options"/>): its id and the key itself.</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(params string[] options)
    {
        var output = await KeysAsync(["create", "--name", "it-" + Guid.NewGuid().ToString("N")[..6], .. options]);
        return (Regex.Match(output, @"^id\s+(\S+)", RegexOptions.Multiline).Groups[1].Value,
            Regex.Match(output, @"^key\s+(\S+)", RegexOptions.Multiline).Groups[1].Value);
    }

    /// <summary>A client of the gateway that sends <paramref name="key"/> (none when null).</summary>
    public HttpClient ClientFor(string? key)
    {
        var client = new HttpClient { BaseAddress = Api.BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Runs <c>Fleet.Gateway keys …</c>; its exit code and what it wrote (standard error first).</summary>
    public async Task<(int ExitCode, string Output)> RunKeysAsync(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [RepoPaths.Program("gateway/Fleet.Gateway", "Fleet.Gateway"), "keys", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in Environment(Role.Gateway, "DOTNET_NOLOGO", "1"))
        {
            start.Environment[key] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, error + output);
    }

    /// <summary>Waits until the gateway has recorded a heartbeat of the worker.</summary>
    public Task WaitForWorkerAsync(FleetProcess worker, string id) =>
        Eventually.True(async () => (await QueryAsync<string>("SELECT id FROM workers WHERE id = $1 AND NOT stopping", id)).Count == 1,
            TimeSpan.FromSeconds(60), () => worker.Tail());

    /// <summary>Workers (idle or running) that the gateway counts for an endpoint.</summary>
    public async Task<int> WorkersAsync(string endpoint)
    {
        var workers = (await HealthAsync(endpoint)).GetProperty("workers");
        return workers.GetProperty("idle").GetInt32() + workers.GetProperty("running").GetInt32();
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        Worker?.Dispose();
        GpuWorker?.Dispose();
        FallbackWorker?.Dispose();
        Gateway?.Dispose();
        try
        {
            await using (var admin = new NpgsqlConnection(_adminConnection))
            {
                await admin.OpenAsync();
                await new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin).ExecuteNonQueryAsync();
            }

            using var management = AdminManagementClient();
            await management.DeleteAsync($"api/vhosts/{VirtualHost}");
        }
        catch (Exception e) when (e is NpgsqlException or HttpRequestException)
        {
            // The servers are stopped by ./fleet test anyway; leftovers die with them.
        }

        Directory.Delete(_workDir, recursive: true);
    }

    /// <summary>The endpoints file every process of the fixture reads (<c>FLEET_ENDPOINTS_FILE</c>).</summary>
    public string EndpointsFile => Path.Combine(_workDir, "endpoints.json");

    /// <summary>Starts (or restarts after a kill) the gateway and waits until it serves.</summary>
    public async Task StartGatewayAsync()
    {
        Gateway?.Dispose();
        Gateway = FleetProcess.Start("gateway", RepoPaths.Program("gateway/Fleet.Gateway", "Fleet.Gateway"),
            Environment(Role.Gateway, "Urls", $"http://127.0.0.1:{_gatewayPort}"));
        await WaitUntilServingAsync(Api, Gateway);
    }

    /// <summary>Waits until a gateway process answers <c>/healthz</c>.</summary>
    public static Task WaitUntilServingAsync(HttpClient client, FleetProcess gateway) =>
        Eventually.True(async () =>
        {
            try
            {
                return (await client.GetAsync("healthz")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => gateway.Tail());

    /// <summary>
    /// A second gateway on the same database and broker with extra settings, and a client for it.
    /// While it runs it shares the worker reports with the main gateway: keep its tests short.
    /// </summary>
    public (FleetProcess Process, HttpClient Client) StartExtraGateway(params (string Key, string Value)[] settings)
    {
        var port = FreePort();
        var environment = Environment(Role.Gateway, "Urls", $"http://127.0.0.1:{port}");
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var process = FleetProcess.Start("gateway-extra", RepoPaths.Program("gateway/Fleet.Gateway", "Fleet.Gateway"), environment);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return (process, client);
    }

    private Dictionary<string, string> Environment(Role role, string key, string value)
    {
        var (user, password) = BrokerUser(role);
        var (workerUser, workerPassword) = BrokerUser(Role.Worker);
        var environment = new Dictionary<string, string>
        {
            ["RabbitMq__Host"] = _servers["RabbitMq__Host"],
            ["RabbitMq__Port"] = _servers["RabbitMq__Port"],
            ["RabbitMq__ManagementPort"] = _servers["RabbitMq__ManagementPort"],
            ["RabbitMq__VirtualHost"] = VirtualHost,
            [FleetSettings.EnvironmentVariable(FleetSettings.RabbitMqUsername)] = user,
            [FleetSettings.EnvironmentVariable(FleetSettings.RabbitMqPassword)] = password,
            ["FLEET_ENDPOINTS_FILE"] = EndpointsFile,
            ["Auth__ApiKeys__0"] = ApiKey,
            ["Worker__HeartbeatSeconds"] = "1",
            ["Leases__Seconds"] = Lease.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Receivers run on loopback here; short backoff keeps retry tests quick.
            ["Webhooks__Secret"] = WebhookSecret,
            ["Webhooks__AllowedHosts__0"] = "127.0.0.1",
            ["Webhooks__FirstRetryDelay"] = "00:00:00.300",
            ["Webhooks__MaxAttempts"] = WebhookMaxAttempts.ToString(),
            ["Webhooks__AttemptTimeout"] = "00:00:03",
            ["DOTNET_NOLOGO"] = "1",
        };
        switch (role)
        {
            case Role.Gateway:
                environment[FleetSettings.EnvironmentVariable(FleetSettings.ConnectionString)] = ConnectionString;
                environment[FleetSettings.EnvironmentVariable(FleetSettings.ReportsKey)] = _reportKey;
                environment[FleetSettings.EnvironmentVariable(FleetSettings.ReportsWorkerKey)] = _workerKey;
                break;
            case Role.Worker:
                environment[FleetSettings.EnvironmentVariable(FleetSettings.WorkerKey)] = _workerKey;
                break;
            case Role.Autoscaler:
                environment[FleetSettings.EnvironmentVariable(FleetSettings.ConnectionString)] = AutoscalerConnectionString;
                environment["Autoscaler__WorkerRabbitMqUsername"] = workerUser;
                environment["Autoscaler__WorkerRabbitMqPassword"] = workerPassword;
                environment["Autoscaler__WorkerKey"] = _workerKey;
                break;
        }

        environment[key] = value;
        return environment;
    }

    public async Task<string> SubmitAsync(string endpoint, string body)
    {
        using var response = await Api.PostAsync($"v2/{endpoint}/run", Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"run answered {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        Assert.Equal("IN_QUEUE", document.RootElement.GetProperty("status").GetString());
        return document.RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> StatusAsync(string endpoint, string jobId)
    {
        using var response = await Api.GetAsync($"v2/{endpoint}/status/{jobId}");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Polls the job's status until it is <paramref name="status"/>; fails with the processes' output if it never is.</summary>
    public async Task<JsonElement> WaitForStatusAsync(string endpoint, string jobId, string status, TimeSpan timeout)
    {
        JsonElement last = default;
        await Eventually.True(async () =>
        {
            last = await StatusAsync(endpoint, jobId);
            return last.GetProperty("status").GetString() == status;
        }, timeout, () => $"job {jobId} last seen as {last}\n{Gateway.Tail()}\n{Worker.Tail()}");
        return last;
    }

    public async Task<JsonElement> HealthAsync(string endpoint)
    {
        using var response = await Api.GetAsync($"v2/{endpoint}/health");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Runs one SQL query against this fleet's database and returns its first column, as <typeparamref name="T"/>.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetFieldValue<T>(0));
        }

        return rows;
    }

    /// <summary>Rows in the job and outbox tables, to prove that a refused request persisted nothing.</summary>
    public async Task<(long Jobs, long Outbox)> CountRowsAsync() =>
        ((await QueryAsync<long>("SELECT count(*) FROM jobs"))[0], (await QueryAsync<long>("SELECT count(*) FROM outbox_messages"))[0]);

    /// <summary>
    /// Asserts that nothing was persisted since <paramref name="before"/>: no job, no outbox row
    /// (the relay may meanwhile have deleted rows of earlier jobs, so the outbox may only shrink).
    /// </summary>
    public async Task AssertNothingPersistedSinceAsync((long Jobs, long Outbox) before)
    {
        var after = await CountRowsAsync();
        Assert.Equal(before.Jobs, after.Jobs);
        Assert.True(after.Outbox <= before.Outbox, $"outbox rows grew from {before.Outbox} to {after.Outbox}");
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>A client for the management API as <paramref name="user"/>.</summary>
    public HttpClient ManagementClient(string user, string password)
    {
        var client = new HttpClient { BaseAddress = ManagementUri };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    /// <summary>The management API as the broker's administrator (the fixture's own setup and clean-up).</summary>
    public HttpClient AdminManagementClient() =>
        ManagementClient(_servers["FLEET_RABBIT_ADMIN_USER"], _servers["FLEET_RABBIT_ADMIN_PASSWORD"]);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
