using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.ServiceDefaults;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// Checks a <c>run</c>/<c>runsync</c> body and the job's input against the handler's input type.
/// Every problem is reported under the JSON path of the field at fault (<c>input.sleep_s</c>).
/// </summary>
public sealed class SubmissionValidator(HandlerInputCatalog inputs)
{
    private const int MinExecutionTimeoutMs = 5_000;
    private const int MinTtlMs = 10_000;
    private const int MaxTtlMs = 7 * 24 * 3600 * 1000;

    public JobSubmission? Validate(JsonElement body, string handler, Dictionary<string, string[]> errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object with an 'input' field."];
            return null;
        }

        if (!body.TryGetProperty("input", out var input) || input.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            errors["input"] = ["The 'input' field is required."];
        }
        else
        {
            ValidateInput(input, handler, errors);
        }

        var webhook = ReadWebhook(body, errors);
        var policy = ReadPolicy(body, errors);
        return errors.Count == 0 ? new JobSubmission(input, webhook, policy!) : null;
    }

    private void ValidateInput(JsonElement input, string handler, Dictionary<string, string[]> errors)
    {
        if (!inputs.TryGet(handler, out var type))
        {
            return; // A handler with no published input type accepts any JSON; its worker checks it.
        }

        if (input.ValueKind != JsonValueKind.Object)
        {
            errors["input"] = ["The 'input' field must be a JSON object."];
            return;
        }

        object? value;
        try
        {
            value = input.Deserialize(type, FleetJson.Input);
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

    private static string? ReadWebhook(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("webhook", out var webhook) || webhook.ValueKind == JsonValueKind.Null)
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

    private static JobPolicy? ReadPolicy(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("policy", out var policy) || policy.ValueKind == JsonValueKind.Null)
        {
            return new JobPolicy(null, null, false, null, null);
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
            _ when type.StartsWith("System.Boolean", StringComparison.Ordinal) || type.Contains("[System.Boolean]", StringComparison.Ordinal) => "true or false",
            _ when type.Contains("List", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) || type.Contains("Enumerable", StringComparison.Ordinal) => "an array",
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
