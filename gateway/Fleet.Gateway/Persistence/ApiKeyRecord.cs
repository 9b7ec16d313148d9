namespace Fleet.Gateway.Persistence;

/// <summary>An API key: only its SHA-256 digest is stored; the key itself is shown once, at creation.</summary>
public sealed class ApiKeyRecord
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>SHA-256 of the key. Keys are 32 random bytes, so a fast hash is enough.</summary>
    public required byte[] KeyHash { get; set; }

    /// <summary>The key's first characters, to recognise it in a list.</summary>
    public required string Prefix { get; set; }

    /// <summary>Endpoints the key may use; null for all.</summary>
    public string[]? Endpoints { get; set; }

    /// <summary>A read-only key may read statuses and health, not submit or change jobs.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>May manage endpoints and packages (<c>/v1</c>); a key without it gets 403 there.</summary>
    public bool Admin { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
