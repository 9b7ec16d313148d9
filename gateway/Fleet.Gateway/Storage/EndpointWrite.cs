namespace Fleet.Gateway.Storage;

/// <summary>The outcome of <see cref="EndpointStore.PutAsync"/>, with the endpoint as it is now (null when not found).</summary>
public sealed record EndpointWrite(EndpointWriteResult Result, StoredEndpoint? Endpoint);
