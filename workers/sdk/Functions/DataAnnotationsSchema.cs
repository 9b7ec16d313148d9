using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Adds a record's DataAnnotations to the schema <see cref="JsonSchemaExporter"/> made of it:
/// <c>[Required]</c>, <c>[Range]</c>, <c>[MinLength]</c>/<c>[MaxLength]</c>/<c>[Length]</c>/<c>[StringLength]</c>,
/// <c>[RegularExpression]</c>, <c>[AllowedValues]</c>, <c>[Base64String]</c> and <c>[Description]</c>.
/// An attribute may sit on the property or, in a positional record, on the constructor parameter.
/// </summary>
internal static class DataAnnotationsSchema
{
    public static JsonNode Transform(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (schema is not JsonObject node)
        {
            return schema;
        }

        if (context.PropertyInfo is null && context.TypeInfo.Kind == JsonTypeInfoKind.Object)
        {
            AddRequired(context.TypeInfo, node);
        }

        if (context.PropertyInfo is { } property)
        {
            foreach (var attribute in Attributes(property))
            {
                Apply(attribute, node);
            }
        }

        return node;
    }

    private static IEnumerable<Attribute> Attributes(JsonPropertyInfo property) =>
        (property.AttributeProvider?.GetCustomAttributes(inherit: true) ?? [])
            .Concat(property.AssociatedParameter?.AttributeProvider?.GetCustomAttributes(inherit: true) ?? [])
            .OfType<Attribute>();

    /// <summary>
    /// Properties with <c>[Required]</c> are required. Properties that may be null and that the options
    /// leave out when null (the output's ignore condition) are not, even as constructor parameters.
    /// </summary>
    private static void AddRequired(JsonTypeInfo type, JsonObject node)
    {
        if (node["required"] is not JsonArray required)
        {
            node["required"] = required = [];
        }

        foreach (var property in type.Properties)
        {
            var listed = required.FirstOrDefault(r => r?.GetValue<string>() == property.Name);
            if (Attributes(property).OfType<RequiredAttribute>().Any())
            {
                if (listed is null)
                {
                    required.Add(property.Name);
                }
            }
            else if (listed is not null && MayBeLeftOut(type, property, node["properties"]?[property.Name]))
            {
                required.Remove(listed);
            }
        }

        if (required.Count == 0)
        {
            node.Remove("required");
        }
    }

    private static bool MayBeLeftOut(JsonTypeInfo type, JsonPropertyInfo property, JsonNode? schema) =>
        (property.ShouldSerialize is not null || type.Options.DefaultIgnoreCondition != JsonIgnoreCondition.Never)
        && (schema is not JsonObject typed || !typed.ContainsKey("type") || HasType(typed, "null"));

    private static void Apply(Attribute attribute, JsonObject node)
    {
        bool isArray = HasType(node, "array");
        switch (attribute)
        {
            case RequiredAttribute:
                RemoveNull(node);
                break;
            case RangeAttribute range when Number(range.Minimum) is { } min && Number(range.Maximum) is { } max:
                node[range.MinimumIsExclusive ? "exclusiveMinimum" : "minimum"] = min;
                node[range.MaximumIsExclusive ? "exclusiveMaximum" : "maximum"] = max;
                break;
            case MinLengthAttribute minLength:
                node[isArray ? "minItems" : "minLength"] = minLength.Length;
                break;
            case MaxLengthAttribute { Length: > 0 } maxLength:
                node[isArray ? "maxItems" : "maxLength"] = maxLength.Length;
                break;
            case LengthAttribute length:
                node[isArray ? "minItems" : "minLength"] = length.MinimumLength;
                node[isArray ? "maxItems" : "maxLength"] = length.MaximumLength;
                break;
            case StringLengthAttribute stringLength:
                node["minLength"] = stringLength.MinimumLength;
                node["maxLength"] = stringLength.MaximumLength;
                break;
            case RegularExpressionAttribute regex:
                node["pattern"] = regex.Pattern;
                break;
            case AllowedValuesAttribute allowed:
                var values = new JsonArray([.. allowed.Values.Select(v => JsonSerializer.SerializeToNode(v))]);
                if (HasType(node, "null"))
                {
                    values.Add(null);
                }

                node["enum"] = values;
                break;
            case Base64StringAttribute:
                node["contentEncoding"] = "base64";
                break;
            case DescriptionAttribute description:
                node["description"] = description.Description;
                break;
        }
    }

    private static bool HasType(JsonObject node, string type) => node["type"] switch
    {
        JsonValue single => single.GetValue<string>() == type,
        JsonArray many => many.Any(t => t?.GetValue<string>() == type),
        _ => false,
    };

    private static void RemoveNull(JsonObject node)
    {
        if (node["type"] is JsonArray types && types.FirstOrDefault(t => t?.GetValue<string>() == "null") is { } nullType)
        {
            types.Remove(nullType);
            if (types.Count == 1)
            {
                node["type"] = types[0]!.GetValue<string>();
            }
        }
    }

    private static double? Number(object? value) => value switch
    {
        int or long or double or float or decimal => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        _ => null,
    };
}
