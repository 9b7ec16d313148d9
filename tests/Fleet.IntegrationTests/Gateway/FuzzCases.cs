using System.Globalization;
using System.Text;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>
/// The hard cases a fuzzer must generate on purpose, since random mutation of valid bodies almost
/// never reaches them: numbers at and past every integer and float limit in every numeric field,
/// text that is not Unicode (invalid UTF-8 bytes, unpaired surrogate escapes), NUL, and deep or odd
/// structure. An outside trial found eleven kinds of 500 that the first fuzzer never generated.
/// </summary>
public static class FuzzCases
{
    /// <summary>Numbers around the limits of int, long, ulong, float, double and decimal, as JSON text.</summary>
    public static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "0.0", "1e0", "1E+2", "0.1e1", "5e-324", "4.9e-324", "1e-400", "-1e-400",
        "127", "128", "255", "256", "32767", "32768", "65535", "65536",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "79228162514264337593543950335", "79228162514264337593543950336",
        "3.4028235e38", "3.4028236e38", "3.5e38", "-3.5e38", "1.7976931348623157e308", "1.7976931348623159e308",
        "1e308", "1e309", "-1e309", "1e400", "-1e400", "1e10", "-1e10", "2.5", "0.05", "0.049", "86400", "86400.0001",
        "123456789012345678901234567890", "0.000000000000000000000000000000000001",
    ];

    /// <summary>Bodies with one numeric field of each kind the gateway reads, <c>§</c> standing for the number.</summary>
    public static readonly (string Endpoint, string Body)[] NumberFields =
    [
        ("echo-fuzz", """{"input": {"echo": 1, "sleep_s": §}}"""),
        ("echo-fuzz", """{"input": {"echo": 1, "progress_every_s": §}}"""),
        ("echo-fuzz", """{"input": {"echo": §}}"""),
        ("echo-fuzz", """{"input": {"stream": [§, §]}}"""),
        ("echo-fuzz", """{"input": {"echo": 1}, "policy": {"executionTimeout": §}}"""),
        ("echo-fuzz", """{"input": {"echo": 1}, "policy": {"ttl": §}}"""),
        ("echo-fuzz", """{"input": {"echo": 1}, "policy": {"minGpuMemoryMb": §}}"""),
        ("mlp", """{"input": {"inputs": [[§]]}}"""),
        ("matmul", """{"input": {"a_b64": "AAAAAA==", "a_shape": [§, 1], "b_b64": "AAAAAA==", "b_shape": [1, §]}}"""),
        ("matmul", """{"input": {"a": [[§]], "b": [[§]]}}"""),
        ("vector", """{"input": {"op": "saxpy", "a": §, "x": [1], "y": [§]}}"""),
    ];

    /// <summary>JSON string contents (escaped as they appear in the body) that are not Unicode text, or hold NUL.</summary>
    public static readonly string[] BadEscapes =
    [
        "\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\ud800\\u0041", "\\udc00\\ud800", "a\\ud83d", "\\ude80b",
        "\\u0000", "a\\u0000b", "\\ud800\\u0000",
    ];

    /// <summary>Raw byte sequences that are not UTF-8: lone continuation, overlong, CESU surrogate, past U+10FFFF, cut short.</summary>
    public static readonly byte[][] BadUtf8 =
    [
        [0xff], [0xfe], [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf],
        [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98],
    ];

    /// <summary>Templates with one string (<c>§</c>) where the broken text goes: values, names, webhook, policy.</summary>
    public static readonly string[] TextFields =
    [
        """{"input": {"echo": "§"}}""",
        """{"input": {"echo": {"§": 1}}}""",
        """{"input": {"§": 1}}""",
        """{"input": {"stream": ["ok", "§"]}}""",
        """{"input": {"fail": "§"}}""",
        """{"input": {"echo": 1}, "webhook": "http://127.0.0.1/§"}""",
        """{"input": {"echo": 1}, "policy": {"§": true}}""",
        """{"§": {"echo": 1}}""",
    ];

    /// <summary>A body with an edge number in a numeric field, for one of the endpoints above.</summary>
    public static (string Endpoint, byte[] Body) NumberCase(Random random)
    {
        var (endpoint, template) = NumberFields[random.Next(NumberFields.Length)];
        var body = new StringBuilder();
        foreach (var c in template)
        {
            body.Append(c == '§' ? Numbers[random.Next(Numbers.Length)] : c.ToString(CultureInfo.InvariantCulture));
        }

        return (endpoint, Encoding.UTF8.GetBytes(body.ToString()));
    }

    /// <summary>A body whose text somewhere is an unpaired surrogate escape, NUL, or bytes that are not UTF-8.</summary>
    public static byte[] TextCase(Random random)
    {
        var template = Encoding.UTF8.GetBytes(TextFields[random.Next(TextFields.Length)]);
        var at = Array.IndexOf(template, (byte)0xc2); // '§' is C2 A7 in UTF-8
        var broken = random.Next(2) == 0
            ? Encoding.UTF8.GetBytes(BadEscapes[random.Next(BadEscapes.Length)])
            : [(byte)'x', .. BadUtf8[random.Next(BadUtf8.Length)], (byte)'y'];
        return [.. template[..at], .. broken, .. template[(at + 2)..]];
    }

    /// <summary>A query value for <c>wait</c> or <c>limit</c>: numbers at the limits, and what is not a number.</summary>
    public static string QueryNumber(Random random) => random.Next(4) switch
    {
        0 => "abc",
        1 => "%FF",
        2 => "",
        _ => Uri.EscapeDataString(Numbers[random.Next(Numbers.Length)]),
    };
}
