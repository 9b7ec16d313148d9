using System.Buffers;
using Fleet.Contracts.Endpoints;
using Microsoft.Extensions.Options;

namespace Fleet.ServiceDefaults;

/// <summary>Refuses a bad endpoint configuration at start, naming the endpoint and the field.</summary>
public sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    private static readonly SearchValues<char> s_idChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in options.Endpoints)
        {
            var at = $"Fleet:Endpoints[{e.Id}]";
            if (e.Id.Length is 0 or > 64 || e.Id.AsSpan().ContainsAnyExcept(s_idChars))
            {
                errors.Add($"{at}.Id must be 1-64 letters, digits, '-' or '_'.");
            }

            if (!seen.Add(e.Id))
            {
                errors.Add($"{at}.Id is defined twice.");
            }

            if (string.IsNullOrWhiteSpace(e.Handler))
            {
                errors.Add($"{at}.Handler is required.");
            }

            if (e.WorkersMin < 0 || e.WorkersMax < e.WorkersMin)
            {
                errors.Add($"{at}: need 0 <= WorkersMin <= WorkersMax.");
            }

            if (e.ExecutionTimeoutMs < 1_000)
            {
                errors.Add($"{at}.ExecutionTimeoutMs must be at least 1000.");
            }

            if (e.MaxAttempts < 1)
            {
                errors.Add($"{at}.MaxAttempts must be at least 1.");
            }

            if (e.ScalerType is not (ScalerType.QueueDelay or ScalerType.RequestCount))
            {
                errors.Add($"{at}.ScalerType must be {ScalerType.QueueDelay} or {ScalerType.RequestCount}.");
            }

            if (e.ScalerValue < 1 || e.IdleTimeoutSeconds < 0 || e.MinGpuMemoryMb < 0 || e.ConcurrencyPerWorker < 1)
            {
                errors.Add($"{at}: ScalerValue and ConcurrencyPerWorker must be >= 1; IdleTimeoutSeconds and MinGpuMemoryMb >= 0.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
