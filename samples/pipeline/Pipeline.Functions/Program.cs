using Fleet.Gpu;
using Fleet.Worker.Sdk;

// A worker started for a CPU endpoint (Worker:Hardware=Cpu) keeps the device on the CPU and serves the CPU functions.
return await FleetFunctions.RunAsync(args, worker => worker.AddFleetGpu());
