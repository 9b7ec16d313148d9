using Fleet.Gateway.Api;
using Fleet.Gateway.Auth;
using Fleet.Gateway.Endpoints;
using Fleet.Gateway.FrontDoor;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Packages;
using Fleet.Gateway.Persistence;
using Fleet.Gateway.Reports;
using Fleet.Gateway.Storage;
using Fleet.Gateway.Webhooks;
using Fleet.ServiceDefaults;

if (args is ["keys", .. var keyArgs])
{
    return await ApiKeyCommands.RunAsync(keyArgs);
}

// The content root is the app's folder, so its appsettings.json applies wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFleetDefaults();
builder.AddGatewayDefaults();
builder.AddFleetPersistence();   // PostgreSQL: the schema (EF Core migrations) and the data sources
builder.AddGatewayStorage();     // the storage classes: one writer per table
builder.AddEndpointCatalog();    // the endpoints table: management, the watch of it, deleted endpoints' jobs
builder.AddPackages();           // deployed function packages: stored in PostgreSQL, streamed in and out
builder.AddApiKeys();
builder.AddFrontDoor();
builder.AddJobPipeline();        // admission, routing, acceptance, outbox relay, transitions, background services
builder.AddWorkerReports();      // the bus: workers' reports and heartbeats
builder.AddWebhooks();

var app = builder.Build();
await app.MigrateDatabaseAsync();
await app.SeedEndpointCatalogAsync();
app.UseApiErrors();
app.MapV2Routes().MapJobsApi().MapQueueApi().MapDeadLettersApi().MapWebhooksApi().MapBatchApi();
app.MapEndpointsApi();
app.MapPackagesApi();
app.MapOperationsApi();
app.Run();
return 0;
