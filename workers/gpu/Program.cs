using Fleet.Worker.Gpu;
using Fleet.Worker.Sdk;

// Serves mlp, matmul and vector on the device Fleet.Gpu picks. With Worker:Hardware=Cpu it serves the
// CPU-fallback queues of these endpoints instead, computing on the CPU: the plain CPU worker stays free
// of TorchSharp and ILGPU.
return await FleetFunctions.RunAsync(args, worker => worker.AddGpuCompute());
