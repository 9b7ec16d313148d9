using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;

namespace Fleet.ServiceDefaults;

/// <summary>
/// An endpoints file (<c>FLEET_ENDPOINTS_FILE</c>, <c>{"fleet": {"endpoints": [...]}}</c>) as every process reads it
/// through configuration: what the autoscaler writes for each worker it starts, and the Kubernetes config map.
/// </summary>
public static class EndpointsFile
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A null read back through configuration would be an empty string, not null.
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The file's text (LF line ends) for <paramref name="endpoints"/>.</summary>
    public static string Json(IReadOnlyList<EndpointDefinition> endpoints) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            [JsonNamingPolicy.CamelCase.ConvertName(FleetNames.EndpointsSection)] = new { Endpoints = endpoints },
        }, s_json).Replace("\r\n", "\n", StringComparison.Ordinal);
}
