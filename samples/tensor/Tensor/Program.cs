using Fleet.Gpu;
using Fleet.Worker.Sdk;

return await FleetFunctions.RunAsync(args, worker => worker.AddFleetGpu());
