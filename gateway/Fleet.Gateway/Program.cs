using Fleet.Gateway;
using Fleet.Gateway.Api;
using Fleet.Gateway.Persistence;

// The content root is the app's folder, so its appsettings.json applies wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFleetGateway();

var app = builder.Build();
await app.MigrateDatabaseAsync();
app.UseApiErrors();
app.MapJobApi();
app.MapOperationsApi();
app.Run();
