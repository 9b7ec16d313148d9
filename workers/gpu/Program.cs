using Fleet.Worker.Gpu;
using Fleet.Worker.Sdk;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFleetWorker();
// With Worker:Hardware=Cpu this host serves the CPU-fallback queues of GPU endpoints instead,
// computing on the CPU: the plain CPU worker stays free of TorchSharp and ILGPU.
builder.AddGpuCompute();
builder.Build().Run();
