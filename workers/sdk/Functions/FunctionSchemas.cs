using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Fleet.ServiceDefaults;

namespace Fleet.Worker.Sdk;

/// <summary>
/// JSON schemas of a function's input and output records, made by <see cref="JsonSchemaExporter"/>
/// with the options the worker reads and writes them with, and the records' DataAnnotations
/// (<see cref="DataAnnotationsSchema"/>): an input schema refuses what the worker would refuse.
/// </summary>
internal static class FunctionSchemas
{
    private const string Draft = "https://json-schema.org/draft/2020-12/schema";

    private static readonly JsonSchemaExporterOptions s_exporter = new()
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = DataAnnotationsSchema.Transform,
    };

    /// <summary>Read with <see cref="FleetJson.Input"/>: unknown fields refused, nullability and required parameters respected.</summary>
    public static JsonElement Input(Type type) => Export(s_input, type);

    /// <summary>Written with <see cref="FleetJson.Output"/>.</summary>
    public static JsonElement Output(Type type) => Export(s_output, type);

    // Copies with a resolver: the exporter needs one set, and the shared options are left as they are.
    private static readonly JsonSerializerOptions s_input = new(FleetJson.Input) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
    // Numbers as numbers: the output is written, and the web default of reading numbers from strings would say otherwise.
    private static readonly JsonSerializerOptions s_output = new(FleetJson.Output)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        NumberHandling = JsonNumberHandling.Strict,
    };

    private static JsonElement Export(JsonSerializerOptions options, Type type)
    {
        var schema = options.GetJsonSchemaAsNode(type, s_exporter);
        if (schema is JsonObject root)
        {
            root.Insert(0, "$schema", Draft);
        }

        return JsonSerializer.SerializeToElement(schema);
    }
}
