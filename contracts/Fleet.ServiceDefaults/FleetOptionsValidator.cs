using Microsoft.Extensions.Options;

namespace Fleet.ServiceDefaults;

/// <summary>Refuses a bad endpoint configuration at start, naming the endpoint and the field (<see cref="EndpointRules"/>).</summary>
public sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in options.Endpoints)
        {
            var at = $"Fleet:Endpoints[{e.Id}]";
            if (!seen.Add(e.Id))
            {
                errors.Add($"{at}: the id is defined twice.");
            }

            errors.AddRange(EndpointRules.Check(e).Select(p => $"{at}.{p.Field}: {p.Problem}"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
