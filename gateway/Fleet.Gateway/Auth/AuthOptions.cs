using System.ComponentModel.DataAnnotations;

namespace Fleet.Gateway.Auth;

/// <summary>Section <c>Auth</c>: the API keys this gateway accepts.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    [MinLength(1, ErrorMessage = "Configure at least one API key (Auth:ApiKeys).")]
    public List<string> ApiKeys { get; set; } = [];
}
