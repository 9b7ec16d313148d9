using Fleet.Gateway.Auth;
using Fleet.Gateway.Storage;

namespace Fleet.Gateway.Workers;

/// <summary>
/// <c>GET /admin/workers</c>: the live workers (read from the <c>workers</c> table), as far as the calling
/// key may see them. A key limited to some endpoints sees only the workers serving one of them, each with
/// only those endpoints and only the running jobs that belong to them (a worker may also serve others).
/// </summary>
public sealed class WorkerListing(WorkerStore store)
{
    public async Task<IReadOnlyList<LiveWorker>> ForAsync(ApiKeyGrant grant, CancellationToken cancellationToken)
    {
        if (grant.Endpoints is not { } allowed)
        {
            return await store.LiveAsync(cancellationToken);
        }

        var live = await store.LiveAsync(cancellationToken, jobsOf: allowed);
        return [.. live.Where(w => w.Endpoints.Any(allowed.Contains)).Select(w => w with { Endpoints = [.. w.Endpoints.Where(
            allowed.Contains)] })];
    }
}
