using Fleet.Worker.Cpu.Handlers;
using Fleet.Worker.Sdk;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFleetWorker();
builder.Services.AddJobHandler<EchoHandler>();
builder.Build().Run();
