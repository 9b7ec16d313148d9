using System.ComponentModel.DataAnnotations;
using Fleet.Contracts;

namespace Fleet.Gateway.Reports;

/// <summary>Section <c>Reports</c>: the keys that tell a worker's genuine report from a forged one.</summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>Signs each attempt's report token (<see cref="ReportTokens"/>); every gateway of a fleet has the same one.</summary>
    [Required]
    [MinLength(FleetSettings.MinKeyLength)]
    public string Key { get; set; } = "";

    /// <summary>The key workers sign their heartbeats with (their <c>Worker:Key</c>).</summary>
    [Required]
    [MinLength(FleetSettings.MinKeyLength)]
    public string WorkerKey { get; set; } = "";

    /// <summary>How far a heartbeat's <c>SentAt</c> may be from this gateway's clock: time in the queue plus clock skew.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan HeartbeatSkew { get; set; } = TimeSpan.FromSeconds(60);
}
