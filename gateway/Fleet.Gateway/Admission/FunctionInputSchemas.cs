using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Fleet.Contracts.Endpoints;
using Json.Schema;
using Fleet.Gateway.Storage;

namespace Fleet.Gateway.Admission;

/// <summary>
/// The input schemas of deployed functions, from the manifest stored with each endpoint, compiled once per
/// endpoint and worker version (a manifest comes with its package, and a package change is a new worker
/// version): the gateway validates a submission to a user's function with no user code, naming the field at
/// fault as it does for Fleet's own kinds.
/// </summary>
public sealed class FunctionInputSchemas(EndpointStore endpoints)
{
    private readonly ConcurrentDictionary<string, (int Version, JsonSchema? Schema)> _byEndpoint = new(StringComparer.Ordinal);

    /// <summary>The endpoint's input schema; null for an endpoint without one (Fleet's own kinds, or no manifest).</summary>
    public async ValueTask<JsonSchema?> GetAsync(EndpointDefinition endpoint, CancellationToken cancellationToken)
    {
        if (endpoint.Package is null)
        {
            return null;
        }

        if (_byEndpoint.TryGetValue(endpoint.Id, out var cached) && cached.Version == endpoint.Version)
        {
            return cached.Schema;
        }

        var text = await endpoints.InputSchemaAsync(endpoint.Id, endpoint.Version, cancellationToken);
        var schema = text is null ? null : JsonSchema.FromText(text, new BuildOptions(),
            new Uri($"https://fleet.invalid/functions/{Uri.EscapeDataString(endpoint.Id)}/{endpoint.Version}/input"));
        _byEndpoint[endpoint.Id] = (endpoint.Version, schema);
        return schema;
    }

    /// <summary>Adds each way <paramref name="input"/> breaks <paramref name="schema"/> to <paramref name="errors"/>, by field.</summary>
    public static void Validate(JsonSchema schema, ReadOnlySpan<byte> input, Dictionary<string, string[]> errors)
    {
        using var document = JsonDocument.Parse(input.ToArray());
        var results = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return;
        }

        IEnumerable<EvaluationResults> nodes = [results, .. results.Details ?? []];
        foreach (var detail in nodes.Where(d => d.Errors is { Count: > 0 }))
        {
            var field = FieldOf(detail.InstanceLocation.ToString());
            // A field the schema has no place for fails against 'false' (additionalProperties), which says nothing to a caller.
            var problems = detail.Errors!.Values.Select(p => p.Contains("false schema", StringComparison.Ordinal)
                ? "is not a field of the function's input."
                : p);
            errors[field] = [.. errors.GetValueOrDefault(field, []), .. problems];
        }

        if (errors.Count == 0)
        {
            errors["input"] = ["does not match the function's input schema."];
        }
    }

    /// <summary>A JSON pointer into the input as the field names it elsewhere: <c>/rows/0/name</c> is <c>input.rows[0].name</c>.</summary>
    private static string FieldOf(string pointer)
    {
        var field = new StringBuilder("input");
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            field.Append(int.TryParse(name, System.Globalization.CultureInfo.InvariantCulture, out _) ? $"[{name}]" : "." + name);
        }

        return field.ToString();
    }
}
