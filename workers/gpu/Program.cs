using Fleet.Worker.Gpu;
using Fleet.Worker.Sdk;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFleetWorker();
builder.Services.AddGpuCompute(builder.Configuration);
builder.Build().Run();
