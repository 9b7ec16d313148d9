using Fleet.ServiceDefaults;

namespace Fleet.Gateway.FrontDoor;

public static class FrontDoorExtensions
{
    /// <summary>What the gateway lets in: rate limits per key, the body budget, RunPod's queue admission rule.</summary>
    public static IHostApplicationBuilder AddFrontDoor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<FrontDoorOptions>(builder.Configuration, FrontDoorOptions.Section);
        builder.Services.AddSingleton<KeyRateLimiter>();
        builder.Services.AddSingleton<BodyBudget>();
        builder.Services.AddSingleton<QueueDepths>();
        builder.Services.AddSingleton<ConfirmedAdmission>();
        builder.Services.AddHostedService<QueueDepthMonitor>();
        return builder;
    }
}
