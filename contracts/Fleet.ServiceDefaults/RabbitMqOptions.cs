using System.ComponentModel.DataAnnotations;

namespace Fleet.ServiceDefaults;

/// <summary>Where the broker is. Section <c>RabbitMq</c>.</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 27672;

    /// <summary>The management HTTP API (queue depths for health and the autoscaler).</summary>
    [Range(1, 65535)]
    public int ManagementPort { get; set; } = 27673;

    [Required]
    public string VirtualHost { get; set; } = "/";

    /// <summary>Required: each process has its own user (README: Credentials); there is no default.</summary>
    [Required]
    public string Username { get; set; } = "";

    [Required]
    public string Password { get; set; } = "";
}
