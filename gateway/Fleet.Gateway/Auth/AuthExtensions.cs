using Fleet.ServiceDefaults;

namespace Fleet.Gateway.Auth;

public static class AuthExtensions
{
    /// <summary>API keys: bootstrap keys from configuration, the others from the <c>api_keys</c> table, reloaded every 2 s.</summary>
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AuthOptions>(builder.Configuration, AuthOptions.Section);
        builder.Services.AddSingleton<ApiKeyVerifier>();
        builder.Services.AddHostedService<ApiKeyCache>();
        return builder;
    }
}
