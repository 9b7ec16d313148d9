namespace Fleet.Gateway.Storage;

/// <summary>What a write to the endpoint catalog did.</summary>
public enum EndpointWriteResult
{
    Created,
    Updated,
    Unchanged,
    Deleted,

    /// <summary>A create found the id taken.</summary>
    Exists,

    /// <summary>The endpoint changed since it was read (an update), or has live jobs (a delete).</summary>
    Conflict,
    NotFound,
}
