using System.Text.Json;

namespace Fleet.Bench;

/// <summary>
/// The part of the status document the bench reads; output is skipped by the deserializer, so a
/// large echo payload costs no allocation. Error stays a raw element because its shape varies.
/// </summary>
public sealed record JobStatus(string? Id, string? Status, JsonElement? Error)
{
    public bool IsCompleted => Status == "COMPLETED";

    public bool IsPending => Status is "IN_QUEUE" or "IN_PROGRESS";
}
