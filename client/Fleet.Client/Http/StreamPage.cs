using System.Text.Json;

namespace Fleet.Client.Http;

/// <summary>One <c>/stream</c> answer: the job's state and the chunks handed out by this call.</summary>
internal sealed record StreamPage(FleetJobState Status, IReadOnlyList<JsonElement> Chunks);
