using Fleet.Gateway;
using Fleet.Gateway.Api;
using Fleet.Gateway.Api.Batch;
using Fleet.Gateway.Auth;
using Fleet.Gateway.Persistence;

if (args is ["keys", .. var keyArgs])
{
    return await ApiKeyCommands.RunAsync(keyArgs);
}

// The content root is the app's folder, so its appsettings.json applies wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFleetGateway();

var app = builder.Build();
await app.MigrateDatabaseAsync();
app.UseApiErrors();
app.MapJobApi();
app.MapBatchApi();
app.MapOperationsApi();
app.Run();
return 0;
