using Fleet.Contracts;
using Fleet.Worker.Gpu;
using Fleet.Worker.Sdk;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFleetWorker();
// With Worker:Hardware=Cpu this host serves the CPU-fallback queues of GPU endpoints instead,
// computing on the CPU: the plain CPU worker stays free of TorchSharp and ILGPU.
if (builder.Configuration.GetValue<Hardware?>("Worker:Hardware") == Hardware.Cpu)
{
    builder.Services.AddGpuComputeOnCpu(builder.Configuration);
}
else
{
    builder.Services.AddGpuCompute(builder.Configuration);
}

builder.Build().Run();
