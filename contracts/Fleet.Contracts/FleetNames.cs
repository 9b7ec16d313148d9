namespace Fleet.Contracts;

/// <summary>
/// Every name that crosses a process boundary (queues, HTTP headers, environment variables),
/// defined once so the gateway, the workers, the autoscaler and the tests cannot drift apart.
/// </summary>
public static class FleetNames
{
    /// <summary>The queue that carries one endpoint's jobs for one kind of hardware.</summary>
    public static string JobQueue(string endpointId, Hardware hardware) =>
        $"fleet.jobs.{(hardware == Hardware.Gpu ? "gpu" : "cpu")}.{endpointId}";

    /// <summary>The gateway's queue for what workers report (started, succeeded, failed, heartbeats).</summary>
    public const string GatewayEventsQueue = "fleet.gateway.events";

    /// <summary>Prefix of each worker's own auto-deleted queue for fleet-wide broadcasts (cancellations).</summary>
    public const string WorkerBroadcastQueuePrefix = "fleet.worker.";

    public const string ApiKeyHeader = "Authorization";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// Webhook headers: the delivery's id (drop repeats by it), its Unix time, and
    /// <c>v1=hex(HMAC-SHA256(secret, timestamp + "." + body))</c>.
    /// </summary>
    public const string WebhookIdHeader = "Fleet-Webhook-Id";
    public const string WebhookTimestampHeader = "Fleet-Webhook-Timestamp";
    public const string WebhookSignatureHeader = "Fleet-Webhook-Signature";

    /// <summary>Environment variable naming the JSON file that holds the endpoint definitions.</summary>
    public const string EndpointsFileVariable = "FLEET_ENDPOINTS_FILE";

    /// <summary>
    /// Environment variable holding the worker version (<see cref="Endpoints.EndpointDefinition.Version"/>) the autoscaler
    /// started a worker with. The worker reads its version from its endpoints file; this copy lets a successor autoscaler
    /// tell the version of a worker it adopts from <c>/proc</c>.
    /// </summary>
    public const string WorkerVersionVariable = "FLEET_WORKER_VERSION";

    /// <summary>The package (sha256) a generic package worker pod fetches and runs (infra/docker/package-worker.sh).</summary>
    public const string PackageVariable = "FLEET_PACKAGE_SHA256";

    /// <summary>The gateway a generic package worker pod fetches its package from.</summary>
    public const string GatewayUrlVariable = "FLEET_GATEWAY_URL";

    /// <summary>Configuration section holding the endpoint definitions.</summary>
    public const string EndpointsSection = "Fleet";

    /// <summary>
    /// The argument that makes a function project's entry point print its manifest
    /// (<see cref="Functions.ProjectManifest"/>, JSON on stdout) and exit without connecting to anything.
    /// </summary>
    public const string ManifestArgument = "--manifest";

    /// <summary>Packages of published function projects: <c>PUT /v1/packages/{sha256}</c> stores one (a zip, admin key).</summary>
    public const string PackagesRoute = "v1/packages";

    /// <summary>Endpoints: <c>PUT /v1/endpoints/{name}</c> creates or updates one (<see cref="Functions.EndpointDeployment"/>).</summary>
    public const string EndpointsRoute = "v1/endpoints";

    /// <summary>The content type of a package upload.</summary>
    public const string PackageContentType = "application/zip";

    /// <summary>The diagnostic endpoint every fleet ships (API.md).</summary>
    public const string EchoEndpoint = "echo";
}
