using Fleet.Contracts.Endpoints;
using Fleet.Gateway.Api;

namespace Fleet.Gateway.Admission;

/// <summary>
/// The front door's verdict on a submission: admitted (with the body it is a view of, held and counted
/// against the body budget until the job is stored, then disposed) or refused with its answer.
/// </summary>
public sealed class AdmissionResult : IDisposable
{
    private AdmissionResult(EndpointDefinition endpoint, JobSubmission? submission, string? idempotencyKey, RequestBody? body,
        ApiProblem? refusal)
    {
        Endpoint = endpoint;
        Submission = submission;
        IdempotencyKey = idempotencyKey;
        Body = body;
        Refusal = refusal;
    }

    public EndpointDefinition Endpoint { get; }

    /// <summary>The validated submission; set when admitted.</summary>
    public JobSubmission? Submission { get; }

    /// <summary>The digest of the Idempotency-Key header, scoped to the caller's key and the endpoint.</summary>
    public string? IdempotencyKey { get; }

    public RequestBody? Body { get; }

    /// <summary>Why it was refused; null when admitted.</summary>
    public ApiProblem? Refusal { get; }

    public static AdmissionResult Admitted(EndpointDefinition endpoint, JobSubmission submission, string? idempotencyKey,
        RequestBody body) =>
        new(endpoint, submission, idempotencyKey, body, null);

    public static AdmissionResult Refused(EndpointDefinition endpoint, ApiProblem refusal) => new(endpoint, null, null, null, refusal);

    public void Dispose() => Body?.Dispose();
}
