using Npgsql;

namespace Fleet.Gateway.Auth;

/// <summary>Loads the active API keys every two seconds (and at start) into the verifier.</summary>
public sealed class ApiKeyCache(NpgsqlDataSource database, ApiKeyVerifier verifier, TimeProvider time, ILogger<ApiKeyCache> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2), time);
        do
        {
            try
            {
                await using var command = database.CreateCommand(
                    "SELECT key_hash, endpoints, read_only, admin FROM api_keys WHERE revoked_at IS NULL");
                await using var reader = await command.ExecuteReaderAsync(stoppingToken);
                var active = new Dictionary<string, ApiKeyGrant>(StringComparer.Ordinal);
                while (await reader.ReadAsync(stoppingToken))
                {
                    var id = Convert.ToHexString(reader.GetFieldValue<byte[]>(0));
                    IReadOnlySet<string>? endpoints = reader.IsDBNull(1) ? null : reader.GetFieldValue<string[]>(1).ToHashSet(
                        StringComparer.Ordinal);
                    active[id] = new ApiKeyGrant(id[..16], endpoints, reader.GetBoolean(2), reader.GetBoolean(3));
                }

                verifier.Load(active);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // Keep the keys loaded last; the database is briefly away.
                log.LogWarning("Loading API keys failed: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
