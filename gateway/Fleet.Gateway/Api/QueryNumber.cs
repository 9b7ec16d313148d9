using System.Globalization;

namespace Fleet.Gateway.Api;

/// <summary>
/// Reads a whole-number query parameter by hand: ASP.NET's binding of <c>int?</c> answers a value it
/// cannot parse (<c>?wait=1e99</c>, <c>?limit=abc</c>) with a bare 400 that names no parameter.
/// </summary>
public static class QueryNumber
{
    /// <summary>True when <paramref name="text"/> is absent (<paramref name="fallback"/>) or a whole number in range.</summary>
    public static bool TryRead(string? text, int min, int max, int fallback, out int value)
    {
        value = fallback;
        if (text is null)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min
            && number <= max)
        {
            value = (int)number;
            return true;
        }

        return false;
    }
}
