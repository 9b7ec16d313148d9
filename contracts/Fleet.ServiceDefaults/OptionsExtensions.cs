using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.ServiceDefaults;

public static class OptionsExtensions
{
    /// <summary>One options class per configuration section, bound, validated (DataAnnotations) at start.</summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>A background service that other services also call: one instance for both roles.</summary>
    public static IServiceCollection AddHostedSingleton<T>(this IServiceCollection services)
        where T : class, Microsoft.Extensions.Hosting.IHostedService
    {
        services.AddSingleton<T>();
        services.AddHostedService(sp => sp.GetRequiredService<T>());
        return services;
    }
}
