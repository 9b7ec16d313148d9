using System.Text.Json;

namespace Fleet.Gateway.Admission;

/// <summary>The parts of a batch body (<c>{"items": [...]}</c>, <c>{"ids": [...]}</c>), found without parsing the items.</summary>
public static class BatchBody
{
    /// <summary>Most items in one <c>batch/run</c> and most ids in one <c>batch/status</c>.</summary>
    public const int MaxItems = 1000;

    /// <summary>
    /// Where each element of the body's <paramref name="field"/> array lies (1 to <see cref="MaxItems"/>), after the
    /// checks every body passes (<see cref="JsonTextCheck"/>).
    /// </summary>
    public static bool TryFindItems(ReadOnlySpan<byte> body, string field, out List<Range> items, out Dictionary<string, string[]> errors)
    {
        errors = [];
        items = [];
        if (JsonTextCheck.Find(body) is { } broken)
        {
            errors[broken.Field] = [broken.Problem];
            return false;
        }

        var reader = new Utf8JsonReader(body);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            errors["body"] = [$"The body must be a JSON object with an '{field}' array."];
            return false;
        }

        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isField = reader.ValueTextEquals(field);
            reader.Read();
            if (!isField || reader.TokenType != JsonTokenType.StartArray)
            {
                found |= isField;
                reader.Skip();
                continue;
            }

            found = true;
            items.Clear();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                items.Add(new Range(start, (int)reader.BytesConsumed));
            }
        }

        if (!found || items.Count is 0 or > MaxItems)
        {
            errors[field] = [$"Must be an array of 1 to {MaxItems} elements."];
        }

        return errors.Count == 0;
    }

    /// <summary>An item's <c>idempotencyKey</c>: null if absent or null, "" if it is not a string (a problem to report).</summary>
    public static string? ItemKey(ReadOnlySpan<byte> item)
    {
        var reader = new Utf8JsonReader(item);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isKey = reader.ValueTextEquals("idempotencyKey"u8);
            reader.Read();
            if (isKey)
            {
                return reader.TokenType switch
                {
                    JsonTokenType.Null => null,
                    JsonTokenType.String => reader.GetString(),
                    _ => "",
                };
            }

            reader.Skip();
        }

        return null;
    }
}
