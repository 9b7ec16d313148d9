using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Fleet.Worker.Sdk;

namespace Fleet.Worker.Gpu.Handlers;

/// <summary>
/// Turns the arrays of a job's input (JSON rows or base64 float32) into flat row-major float
/// arrays, and refuses what no retry can fix with a message naming the field.
/// </summary>
internal static class JobArrays
{
    /// <summary>The one of <paramref name="json"/> and <paramref name="base64"/> the job gave.</summary>
    public static float[]? OneOf(float[]? json, string? base64, string jsonField, string base64Field, bool required)
    {
        if (json is not null && base64 is not null)
        {
            throw new PermanentJobException($"give {jsonField} or {base64Field}, not both");
        }

        if (json is null && base64 is null)
        {
            return required ? throw new PermanentJobException($"{jsonField} (or {base64Field}) is required") : null;
        }

        if (json is not null)
        {
            RequireFinite(json, jsonField);
            return json;
        }

        return DecodeFloat32(base64!, base64Field);
    }

    /// <summary>Rows of equal, non-zero length, flattened row after row.</summary>
    public static float[] Flatten(float[][] rows, string field, out int width)
    {
        if (rows.Length == 0)
        {
            throw new PermanentJobException($"{field} must have at least one row");
        }

        width = rows[0]?.Length ?? 0;
        if (width == 0)
        {
            throw new PermanentJobException($"{field}[0] must be a non-empty array of numbers");
        }

        var flat = new float[(long)rows.Length * width];
        for (int r = 0; r < rows.Length; r++)
        {
            var row = rows[r];
            if (row is null || row.Length != width)
            {
                throw new PermanentJobException(
                    $"{field} is ragged: {field}[{r}] has {row?.Length.ToString() ?? "no"} values, {field}[0] has {width}; " +
                    "every row must have the same length");
            }

            RequireFinite(row, $"{field}[{r}]");
            row.CopyTo(flat, (long)r * width);
        }

        return flat;
    }

    /// <summary>Little-endian float32 values, whatever this machine's byte order.</summary>
    public static float[] DecodeFloat32(string base64, string field)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new PermanentJobException($"{field} is not valid base64");
        }

        if (bytes.Length == 0 || bytes.Length % sizeof(float) != 0)
        {
            throw new PermanentJobException(
                $"{field} holds {bytes.Length} bytes: it must hold one or more little-endian float32 values (4 bytes each)");
        }

        var values = new float[bytes.Length / sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
            }
        }

        RequireFinite(values, field);
        return values;
    }

    /// <summary>Rows of <paramref name="width"/> values, the shape a JSON answer has.</summary>
    public static float[][] ToRows(float[] flat, int width, string field)
    {
        RequireFiniteResult(flat, field);
        var rows = new float[flat.Length / width][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = flat.AsSpan(r * width, width).ToArray();
        }

        return rows;
    }

    /// <summary>JSON has no infinity or NaN; an input that overflows float32 fails the same way each time.</summary>
    public static void RequireFiniteResult(ReadOnlySpan<float> values, string field)
    {
        int at = IndexOfNonFinite(values);
        if (at >= 0)
        {
            throw new PermanentJobException($"the result overflows float32: {field} has {values[at]} at flat index {at}");
        }
    }

    private static void RequireFinite(ReadOnlySpan<float> values, string field)
    {
        int at = IndexOfNonFinite(values);
        if (at >= 0)
        {
            throw new PermanentJobException($"{field}[{at}] is {values[at]}; values must be finite float32 numbers");
        }
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
