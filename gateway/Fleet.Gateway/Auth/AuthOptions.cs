namespace Fleet.Gateway.Auth;

/// <summary>Section <c>Auth</c>: the API keys this gateway accepts.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Bootstrap keys with every right, besides those stored in the database (created with <c>keys create</c>).</summary>
    public List<string> ApiKeys { get; set; } = [];
}
