
namespace Fleet.Gateway.Jobs;

/// <summary>What one <c>/stream</c> call hands out: the status to report and the chunks, in order.</summary>
public sealed record StreamPage(string Status, IReadOnlyList<RawJson> Chunks);
