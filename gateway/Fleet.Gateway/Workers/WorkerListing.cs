using Fleet.Gateway.Auth;
using Npgsql;

namespace Fleet.Gateway.Workers;

/// <summary>
/// <c>GET /admin/workers</c>: the live workers, as far as the calling key may see them. A key limited
/// to some endpoints sees only the workers serving one of them, each with only those endpoints and
/// only the running jobs that belong to them (a worker may also serve endpoints the key may not use).
/// </summary>
public sealed class WorkerListing(WorkerRegistry registry, NpgsqlDataSource database)
{
    public async Task<IReadOnlyList<WorkerView>> ForAsync(ApiKeyGrant grant, CancellationToken cancellationToken)
    {
        var live = registry.Live().Select(WorkerView.Of).ToList();
        if (grant.Endpoints is not { } allowed)
        {
            return live;
        }

        var visible = live.Where(w => w.Endpoints.Any(allowed.Contains)).ToList();
        // Only a worker that also serves other endpoints can run jobs the key may not see.
        var unsure = visible.Where(w => !w.Endpoints.All(allowed.Contains)).SelectMany(w => w.RunningJobs).ToArray();
        var theirs = unsure.Length == 0 ? [] : await JobsOfAsync(unsure, allowed, cancellationToken);
        return [.. visible.Select(w => w with
        {
            Endpoints = [.. w.Endpoints.Where(allowed.Contains)],
            RunningJobs = w.Endpoints.All(allowed.Contains) ? w.RunningJobs : [.. w.RunningJobs.Where(theirs.Contains)],
        })];
    }

    private async Task<HashSet<Guid>> JobsOfAsync(Guid[] jobIds, IReadOnlySet<string> endpoints, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT id FROM jobs WHERE id = ANY($1) AND endpoint_id = ANY($2)");
        command.Parameters.Add(new() { Value = jobIds });
        command.Parameters.Add(new() { Value = endpoints.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new HashSet<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
