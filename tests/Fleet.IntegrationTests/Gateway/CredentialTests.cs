using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;
using Npgsql;
using Role = Fleet.IntegrationTests.Infrastructure.FleetFixture.Role;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>
/// Least privilege and authenticated reports: whoever can publish to the broker cannot make the
/// gateway record a result or a worker; each process holds only the rights its role needs.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class CredentialTests(FleetFixture fleet)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_forged_result_and_heartbeat_published_through_the_management_api_are_ignored_and_logged()
    {
        var job = await fleet.SubmitAsync(FleetFixture.UnservedEndpoint, """{"input": {"echo": "genuine"}}""");
        var worker = "forged-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        // A management user with publish rights on the vhost, as an operator's login would have (the
        // workers' own user has no management access at all; see the next test).
        await using var forger = await Forger.CreateAsync(fleet);

        // The attack: a result without a token; then one with a made-up token.
        var result = new
        {
            jobId = job, attempt = 1, workerId = worker, device = "cpu", startedAt = now, finishedAt = now,
            output = new { forged = true }, streamedChunks = 0,
        };
        await forger.PublishAsync("JobSucceeded", result);
        await forger.PublishAsync("JobSucceeded", new { result.jobId, result.attempt, result.workerId, result.device, result.startedAt,
            result.finishedAt, result.output, result.streamedChunks, reportToken = RandomToken() });
        await forger.PublishAsync("WorkerHeartbeat", new
        {
            workerId = worker, hardware = 0, device = "cpu", endpoints = new[] { FleetFixture.UnservedEndpoint }, capacity = 64,
            runningJobs = new[] { new { jobId = job, attempt = 1, reportToken = RandomToken() } },
            sentAt = now, stopping = false, signature = RandomToken(),
        });

        // The gateway got all three and said why it ignored each.
        var refusedResult = $"Refused JobSucceeded for job {job} attempt 1 from worker {worker}";
        await Eventually.True(
            () => Task.FromResult(fleet.Gateway.Output.Count(l => l.Contains(refusedResult, StringComparison.Ordinal)) == 2
                && fleet.Gateway.Output.Any(l => l.Contains($"Refused heartbeat of worker {worker}", StringComparison.Ordinal))),
            s_timeout, () => fleet.Gateway.Tail());

        var status = await fleet.StatusAsync(FleetFixture.UnservedEndpoint, job);
        Assert.Equal("IN_QUEUE", status.GetProperty("status").GetString());
        Assert.False(status.TryGetProperty("output", out var output) && output.ValueKind != JsonValueKind.Null, $"output: {output}");
        Assert.Empty(await fleet.QueryAsync<string>("SELECT id FROM workers WHERE id = $1", worker));
        Assert.Equal(0, await fleet.WorkersAsync(FleetFixture.UnservedEndpoint));
    }

    [Fact]
    public async Task Workers_have_no_management_access_and_the_monitoring_user_reads_depths_but_cannot_publish()
    {
        var (workerUser, workerPassword) = fleet.BrokerUser(Role.Worker);
        using (var asWorker = fleet.ManagementClient(workerUser, workerPassword))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await asWorker.GetAsync("api/whoami")).StatusCode);
        }

        var (monitorUser, monitorPassword) = fleet.BrokerUser(Role.Autoscaler);
        using var asMonitor = fleet.ManagementClient(monitorUser, monitorPassword);
        var queues = await asMonitor.GetStringAsync($"api/queues/{fleet.VirtualHost}?columns=name");
        Assert.Contains("fleet.gateway.events", queues);

        using var publish = await asMonitor.PostAsJsonAsync(
            BrokerPublish.PublishPath(fleet.VirtualHost, "JobSucceeded"), BrokerPublish.Body(new { jobId = Guid.Empty }, "JobSucceeded"));
        var answer = await publish.Content.ReadAsStringAsync();
        Assert.False(publish.IsSuccessStatusCode, answer);
        Assert.Contains("ACCESS_REFUSED", answer);
    }

    [Fact]
    public async Task The_gateway_role_owns_the_database_without_superuser_rights_and_the_autoscaler_role_only_reads()
    {
        var rights = await fleet.QueryAsync<bool[]>(
            "SELECT ARRAY[rolsuper, rolcreatedb, rolcreaterole, " +
            "(SELECT datdba = r.oid FROM pg_database WHERE datname = current_database())] FROM pg_roles r WHERE rolname = current_user");
        Assert.Equal([false, false, false, true], Assert.Single(rights));

        await using var autoscaler = new NpgsqlConnection(fleet.AutoscalerConnectionString);
        await autoscaler.OpenAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM jobs", autoscaler))
        {
            Assert.True((long)(await read.ExecuteScalarAsync())! >= 0);
        }

        await using var write = new NpgsqlCommand("UPDATE jobs SET attempt = attempt WHERE false", autoscaler);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    private static string RandomToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>A per-test management user with a worker's rights on the vhost, deleted afterwards.</summary>
    private sealed class Forger(FleetFixture fleet, string user, HttpClient client) : IAsyncDisposable
    {
        public static async Task<Forger> CreateAsync(FleetFixture fleet)
        {
            var user = "fleet-it-forger-" + Guid.NewGuid().ToString("N")[..8];
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            using var admin = fleet.AdminManagementClient();
            (await admin.PutAsJsonAsync($"api/users/{user}", new { password, tags = "management" })).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync($"api/permissions/{fleet.VirtualHost}/{user}", new { configure = ".*", write = ".*", read = ".*" }))
                .EnsureSuccessStatusCode();
            return new Forger(fleet, user, fleet.ManagementClient(user, password));
        }

        public Task PublishAsync(string messageType, object message) =>
            BrokerPublish.PublishAsync(client, fleet.VirtualHost, messageType, message);

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            using var admin = fleet.AdminManagementClient();
            await admin.DeleteAsync($"api/users/{user}");
        }
    }
}
