using Fleet.Gateway.Storage;
using Fleet.ServiceDefaults;

namespace Fleet.Gateway.Packages;

public static class PackageExtensions
{
    /// <summary>Deployed packages: their store, the size limit, who may read them.</summary>
    public static IHostApplicationBuilder AddPackages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<PackageOptions>(builder.Configuration, PackageOptions.Section);
        builder.Services.AddSingleton<PackageStore>();
        return builder;
    }
}
