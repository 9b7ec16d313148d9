using Fleet.Contracts;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Gateway.Api;

/// <summary>
/// Fleet additions: an endpoint's dead letters (jobs that ended FAILED or TIMED_OUT), newest first and
/// keyset-paged, and their re-drive (each queued again as with <c>/retry</c>).
/// </summary>
public static class DeadLettersApi
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static RouteGroupBuilder MapDeadLettersApi(this RouteGroupBuilder v2)
    {
        v2.MapGet("/jobs", ListAsync);
        v2.MapPost("/redrive", RedriveAsync);
        return v2;
    }

    private static async Task<Results<Ok<JobPage>, ApiProblem>> ListAsync(
        JobEndpoint endpoint, string? status, string? before, string? limit, JobQueries queries, CancellationToken cancellationToken)
    {
        if (!Filter.TryRead(status, before, limit, out var filter, out var errors))
        {
            return ApiProblems.BadRequest(errors);
        }

        var page = await queries.ListAsync(endpoint.Id, filter.Statuses, filter.Before, filter.Limit, cancellationToken);
        return TypedResults.Ok(new JobPage(page, page.Count == filter.Limit ? page[^1].Id : null));
    }

    /// <summary>Queues again, as with <c>/retry</c>, up to <c>limit</c> (default 100) dead letters, oldest first.</summary>
    private static async Task<Results<Ok<RedriveResult>, ApiProblem>> RedriveAsync(
        JobEndpoint endpoint, string? status, string? limit, JobTransitions transitions, CancellationToken cancellationToken)
    {
        if (!Filter.TryRead(status, null, limit, out var filter, out var errors))
        {
            return ApiProblems.BadRequest(errors);
        }

        return TypedResults.Ok(new RedriveResult(await transitions.RedriveAsync(endpoint.Definition, filter.Statuses, filter.Limit,
            cancellationToken)));
    }

    private sealed record Filter(string[] Statuses, Guid? Before, int Limit)
    {
        public static bool TryRead(string? status, string? before, string? limit, out Filter filter, out Dictionary<string,
            string[]> errors)
        {
            errors = [];
            string[] statuses = status is null
                ? [JobStatusNames.Failed, JobStatusNames.TimedOut]
                : status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (statuses.Length == 0 || statuses.Any(s => s is not (JobStatusNames.Failed or JobStatusNames.TimedOut)))
            {
                errors["status"] = [$"Must be {JobStatusNames.Failed}, {JobStatusNames.TimedOut} or both, comma-separated."];
            }

            Guid? after = null;
            if (before is not null)
            {
                if (Guid.TryParse(before, out var id))
                {
                    after = id;
                }
                else
                {
                    errors["before"] = ["Must be a job id from an earlier page's 'next'."];
                }
            }

            if (!QueryNumber.TryRead(limit, 1, MaxLimit, DefaultLimit, out var take))
            {
                errors["limit"] = [$"Must be from 1 to {MaxLimit}."];
            }

            filter = new Filter(statuses, after, take);
            return errors.Count == 0;
        }
    }
}
