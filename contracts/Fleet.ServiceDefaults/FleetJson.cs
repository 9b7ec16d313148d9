using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.ServiceDefaults;

/// <summary>JSON settings shared by the gateway (validation) and the workers (deserialization).</summary>
public static class FleetJson
{
    /// <summary>
    /// Reads a job's <c>input</c> into its handler's input record. Strict, so a misspelt field is
    /// an error naming the field instead of a silently ignored value.
    /// </summary>
    public static readonly JsonSerializerOptions Input = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        NumberHandling = JsonNumberHandling.Strict,
        AllowTrailingCommas = false,
    };

    /// <summary>Writes a handler's output: camelCase, nulls kept out.</summary>
    public static readonly JsonSerializerOptions Output = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
