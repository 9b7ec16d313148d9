using Fleet.Gateway;
using Fleet.Gateway.Api;
using Fleet.Gateway.Persistence;

var builder = WebApplication.CreateBuilder(args);
builder.AddFleetGateway();

var app = builder.Build();
await app.MigrateDatabaseAsync();
app.UseApiErrors();
app.MapJobApi();
app.MapOperationsApi();
app.Run();
