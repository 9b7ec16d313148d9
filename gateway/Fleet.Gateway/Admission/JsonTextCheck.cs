using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Fleet.Gateway.Admission;

/// <summary>
/// One pass over a request body for what System.Text.Json's reader lets through but nothing after
/// it can handle: its reader checks the grammar, not the text inside strings. Invalid UTF-8 and
/// unpaired surrogate escapes (<c>"\ud800"</c>) make every later read of the string throw; a NUL
/// (<c>\u0000</c>) is stored by PostgreSQL's <c>json</c> but breaks every <c>-&gt;&gt;</c> query on the row;
/// a number past <see cref="double.MaxValue"/> reads as infinity, which no JSON writer can write
/// back. Each is refused at the door, naming the field, so nothing downstream ever sees it.
/// </summary>
public static class JsonTextCheck
{
    /// <summary>The deepest nesting accepted, as JsonDocument's default.</summary>
    public const int MaxDepth = 64;

    /// <summary>Null when the body may go on, else the field at fault (<c>input.a[2].b</c>) and why.</summary>
    public static (string Field, string Problem)? Find(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        // Where each open container is: the byte offset of the current property name, or the next index.
        Span<Frame> stack = stackalloc Frame[MaxDepth + 1];
        var depth = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Advance(stack, depth);
                        stack[++depth] = new Frame(reader.TokenType == JsonTokenType.StartArray, -1, 0);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        break;
                    case JsonTokenType.PropertyName:
                        stack[depth] = stack[depth] with { NameAt = (int)reader.TokenStartIndex };
                        if (StringProblem(ref reader) is { } nameProblem)
                        {
                            return (PathOf(json, stack[..(depth + 1)]), "The field name " + nameProblem);
                        }

                        break;
                    case JsonTokenType.String:
                        Advance(stack, depth);
                        if (StringProblem(ref reader) is { } problem)
                        {
                            return (PathOf(json, stack[..(depth + 1)]), "The text " + problem);
                        }

                        break;
                    case JsonTokenType.Number:
                        Advance(stack, depth);
                        if (reader.TryGetDouble(out var number) && !double.IsFinite(number))
                        {
                            return (PathOf(json, stack[..(depth + 1)]),
                                "The number is beyond the range of a 64-bit floating-point number (about 1.8e308).");
                        }

                        break;
                    default:
                        Advance(stack, depth);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            return ("body", $"The body is not valid JSON: {e.Message}");
        }

        return null;
    }

    private static string? StringProblem(ref Utf8JsonReader reader)
    {
        if (!Utf8.IsValid(reader.ValueSpan))
        {
            return "is not valid UTF-8.";
        }

        if (!reader.ValueIsEscaped)
        {
            return null; // Unescaped, the reader has already refused control characters, NUL among them.
        }

        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return "holds an unpaired UTF-16 surrogate escape (\\ud800 to \\udfff alone); text must be valid Unicode.";
        }

        return value.Contains('\0', StringComparison.Ordinal) ? "holds the NUL character (\\u0000), which Fleet does not accept." : null;
    }

    /// <summary>A value inside an array moves its index on (a property's value does not).</summary>
    private static void Advance(Span<Frame> stack, int depth)
    {
        if (depth > 0 && stack[depth].IsArray)
        {
            stack[depth] = stack[depth] with { Index = stack[depth].Index + 1 };
        }
    }

    private static string PathOf(ReadOnlySpan<byte> json, ReadOnlySpan<Frame> frames)
    {
        var path = new StringBuilder();
        for (var i = 1; i < frames.Length; i++)
        {
            var frame = frames[i];
            if (frame.IsArray)
            {
                path.Append('[').Append(frame.Index - 1).Append(']');
            }
            else if (frame.NameAt >= 0)
            {
                if (path.Length > 0)
                {
                    path.Append('.');
                }

                path.Append(NameAt(json, frame.NameAt));
            }
        }

        return path.Length == 0 ? "body" : path.ToString();
    }

    /// <summary>The property name whose token starts at <paramref name="offset"/>, readable even if it is the broken one.</summary>
    private static string NameAt(ReadOnlySpan<byte> json, int offset)
    {
        var end = offset + 1;
        while (end < json.Length && json[end] != (byte)'"')
        {
            end += json[end] == (byte)'\\' ? 2 : 1;
        }

        end = Math.Min(end, json.Length);

        var name = Encoding.UTF8.GetString(json[(offset + 1)..end]);
        return name.Length > 64 ? name[..64] + "…" : name;
    }

    private readonly record struct Frame(bool IsArray, int NameAt, int Index);
}
