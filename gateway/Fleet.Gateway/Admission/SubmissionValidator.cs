using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.ServiceDefaults;
using Json.Schema;

namespace Fleet.Gateway.Admission;

/// <summary>
/// Checks a <c>run</c>/<c>runsync</c> body and the job's input against the handler's input type.
/// Every problem is reported under the JSON path of the field at fault (<c>input.sleep_s</c>).
/// </summary>
public sealed class SubmissionValidator(HandlerInputCatalog inputs)
{
    private const int MinExecutionTimeoutMs = 5_000;
    private const int MinTtlMs = 10_000;
    private const int MaxTtlMs = 7 * 24 * 3600 * 1000;

    /// <summary>
    /// Validates a body that <c>JsonTextCheck</c> has passed. Only the small members are parsed into
    /// documents; the input, which may be megabytes, is read straight into its handler's input type
    /// to be checked and otherwise stays the slice of the body it is, with no copy.
    /// </summary>
    /// <param name="functionSchema">A deployed function's input schema, which the input is checked against instead.</param>
    public JobSubmission? Validate(
        ReadOnlyMemory<byte> body, string handler, JsonSchema? functionSchema, Dictionary<string, string[]> errors)
    {
        if (!TryFindMembers(body.Span, out var input, out var webhookAt, out var policyAt))
        {
            errors["body"] = ["The body must be a JSON object with an 'input' field."];
            return null;
        }

        if (input is not { } inputAt || body.Span[inputAt].SequenceEqual("null"u8))
        {
            errors["input"] = ["The 'input' field is required."];
        }
        else
        {
            ValidateInput(body[inputAt], handler, functionSchema, errors);
        }

        var webhook = webhookAt is { } w ? ReadWebhook(body[w], errors) : null;
        var policy = policyAt is { } p ? ReadPolicy(body[p], errors) : JobPolicy.None;
        return errors.Count == 0 ? new JobSubmission(body[input!.Value], webhook, policy!) : null;
    }

    /// <summary>Where the values of the top-level members <c>input</c>, <c>webhook</c> and <c>policy</c> lie.</summary>
    private static bool TryFindMembers(ReadOnlySpan<byte> body, out Range? input, out Range? webhook, out Range? policy)
    {
        input = webhook = policy = null;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = Admission.JsonTextCheck.MaxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueTextEquals("input"u8) ? 1 : reader.ValueTextEquals("webhook"u8) ? 2 : reader.ValueTextEquals(
                "policy"u8) ? 3 : 0;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            var value = new Range(start, (int)reader.BytesConsumed);
            switch (name)
            {
                case 1: input = value; break;
                case 2: webhook = value; break;
                case 3: policy = value; break;
            }
        }

        return true;
    }

    private void ValidateInput(ReadOnlyMemory<byte> input, string handler, JsonSchema? functionSchema, Dictionary<string, string[]> errors)
    {
        if (functionSchema is not null)
        {
            FunctionInputSchemas.Validate(functionSchema, input.Span, errors);
            return;
        }

        if (!inputs.TryGet(handler, out var type))
        {
            return; // A handler with no published input type accepts any JSON; its worker checks it.
        }

        if (input.Span[0] != (byte)'{')
        {
            errors["input"] = ["The 'input' field must be a JSON object."];
            return;
        }

        object? value;
        try
        {
            value = JsonSerializer.Deserialize(input.Span, type, FleetJson.Input);
        }
        catch (JsonException e)
        {
            errors[FieldOf(e.Path)] = [Describe(e)];
            return;
        }

        if (value is null)
        {
            return;
        }

        foreach (var (member, message) in ValidationProblems(value))
        {
            errors[member.Length == 0 ? "input" : "input." + JsonNameOf(type, member)] = [message];
        }
    }

    /// <summary>
    /// The DataAnnotations verdict on the input record. An attribute that throws (a
    /// <c>[Range(0, 10)]</c> on a double converts the value to int and overflows on 1e10) is a wrong
    /// value of that field, never a server error: each property is then checked alone to name it.
    /// </summary>
    private static IEnumerable<(string Member, string Message)> ValidationProblems(object value)
    {
        var results = new List<ValidationResult>();
        try
        {
            Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true);
            return results.SelectMany(r => r.MemberNames.DefaultIfEmpty("").Select(m => (m, r.ErrorMessage ?? "Is not valid.")));
        }
        catch (Exception e) when (e is OverflowException or InvalidCastException or FormatException or ArgumentException)
        {
            var problems = new List<(string, string)>();
            foreach (var property in value.GetType().GetProperties())
            {
                results.Clear();
                try
                {
                    var context = new ValidationContext(value) { MemberName = property.Name };
                    Validator.TryValidateProperty(property.GetValue(value), context, results);
                    problems.AddRange(results.Select(r => (property.Name, r.ErrorMessage ?? "Is not valid.")));
                }
                catch (Exception inner) when (inner is OverflowException or InvalidCastException or FormatException or ArgumentException)
                {
                    problems.Add((property.Name, "Is out of the range this field accepts."));
                }
            }

            return problems;
        }
    }

    private static string? ReadWebhook(ReadOnlyMemory<byte> json, Dictionary<string, string[]> errors)
    {
        using var document = JsonDocument.Parse(json);
        var webhook = document.RootElement;
        if (webhook.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (webhook.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(webhook.GetString(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors["webhook"] = ["The 'webhook' field must be an absolute http or https URL."];
            return null;
        }

        return uri.AbsoluteUri;
    }

    private static JobPolicy? ReadPolicy(ReadOnlyMemory<byte> json, Dictionary<string, string[]> errors)
    {
        using var document = JsonDocument.Parse(json);
        var policy = document.RootElement;
        if (policy.ValueKind == JsonValueKind.Null)
        {
            return JobPolicy.None;
        }

        if (policy.ValueKind != JsonValueKind.Object)
        {
            errors["policy"] = ["The 'policy' field must be a JSON object."];
            return null;
        }

        int? executionTimeout = null, ttl = null, minGpuMemory = null;
        var lowPriority = false;
        bool? preferGpu = null;
        foreach (var field in policy.EnumerateObject())
        {
            var at = "policy." + field.Name;
            switch (field.Name)
            {
                case "executionTimeout":
                    executionTimeout = ReadInt(field.Value, at, MinExecutionTimeoutMs + 1, int.MaxValue, errors);
                    break;
                case "ttl":
                    ttl = ReadInt(field.Value, at, MinTtlMs, MaxTtlMs, errors);
                    break;
                case "minGpuMemoryMb":
                    minGpuMemory = ReadInt(field.Value, at, 0, 1 << 24, errors);
                    break;
                case "lowPriority":
                    lowPriority = ReadBool(field.Value, at, errors);
                    break;
                case "preferGpu":
                    preferGpu = ReadBool(field.Value, at, errors);
                    break;
                default:
                    errors[at] = ["Unknown policy field. Known: executionTimeout, ttl, lowPriority, preferGpu, minGpuMemoryMb."];
                    break;
            }
        }

        return new JobPolicy(executionTimeout, ttl, lowPriority, preferGpu, minGpuMemory);
    }

    private static int? ReadInt(JsonElement value, string at, int min, int max, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= min && number <= max)
        {
            return (int)number;
        }

        errors[at] = [$"Must be an integer from {min} to {max}."];
        return null;
    }

    private static bool ReadBool(JsonElement value, string at, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        errors[at] = ["Must be true or false."];
        return false;
    }

    /// <summary>Turns System.Text.Json's <c>$.a.b[0]</c> into <c>input.a.b[0]</c>.</summary>
    internal static string FieldOf(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "input" : "input" + jsonPath.TrimStart('$');

    private static string Describe(JsonException e)
    {
        // The serializer's message names CLR types and line numbers: say what a client can act on.
        var message = e.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "Unknown field for this endpoint's input.";
        }

        const string convertedTo = "could not be converted to ";
        var at = message.IndexOf(convertedTo, StringComparison.Ordinal);
        if (at < 0)
        {
            return "The value is not valid here.";
        }

        var type = message[(at + convertedTo.Length)..];
        var expected = type switch
        {
            _ when type.StartsWith("System.String", StringComparison.Ordinal) => "a string",
            _ when type.StartsWith("System.Boolean", StringComparison.Ordinal) || type.Contains("[System.Boolean]",
                StringComparison.Ordinal) => "true or false",
            _ when type.Contains("List", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) || type.Contains(
                "Enumerable", StringComparison.Ordinal) => "an array",
            _ when s_numbers.Any(n => type.Contains(n, StringComparison.Ordinal)) => "a number",
            _ => "a value of another type",
        };
        return $"Must be {expected}.";
    }

    private static readonly string[] s_numbers = ["Double", "Single", "Int16", "Int32", "Int64", "Decimal", "Byte"];

    private static string JsonNameOf(Type type, string member) =>
        type.GetProperty(member)?.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
        ?? JsonNamingPolicy.CamelCase.ConvertName(member);
}
