using Fleet.Worker.Cpu.Handlers;
using Fleet.Worker.Sdk;

var builder = Host.CreateApplicationBuilder(args);
builder.AddFleetWorker();
builder.Services.AddJobHandler<EchoHandler>();
builder.Build().Run();
