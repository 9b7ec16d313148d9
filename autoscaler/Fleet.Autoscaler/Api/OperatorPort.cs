using System.Net;

namespace Fleet.Autoscaler.Api;

/// <summary>
/// The autoscaler's HTTP port is an operator port: it shows every decision, the workers' pids and
/// log paths. It may listen beyond loopback only behind <see cref="AutoscalerOptions.OperatorApiKey"/>.
/// </summary>
public static class OperatorPort
{
    public const string DefaultUrl = "http://127.0.0.1:8081";

    private const string KeySetting = $"{AutoscalerOptions.Section}:{nameof(AutoscalerOptions.OperatorApiKey)}";

    /// <summary>
    /// Why the autoscaler may not start with this configuration, or null. Reads the addresses as
    /// Kestrel does: its <c>Kestrel:Endpoints</c> when there are any, else <c>urls</c> (which the
    /// autoscaler always sets, so <c>http_ports</c> never applies).
    /// </summary>
    public static string? Refusal(IConfiguration configuration)
    {
        if (!string.IsNullOrEmpty(configuration[KeySetting]))
        {
            return null;
        }

        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"] ?? "").ToList();
        var urls = endpoints.Count > 0
            ? endpoints
            : (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : DefaultUrl)
                .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var open = urls.Where(u => !IsLoopback(u)).ToList();
        return open.Count == 0
            ? null
            : $"The autoscaler's HTTP port is an operator port (decisions, worker pids and log paths) and would listen beyond loopback " +
              $"({string.Join(", ", open)}): set {KeySetting} to require 'Authorization: Bearer <key>', or listen on 127.0.0.1.";
    }

    /// <summary>
    /// Whether Kestrel binds <paramref name="url"/> to loopback only: <c>localhost</c>, a loopback IP or a
    /// Unix socket. Any other host (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>, a name) binds every interface.
    /// </summary>
    public static bool IsLoopback(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return false;
        }

        return address.IsUnixPipe
            || string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
