using Fleet.Worker.Sdk;

return await FleetFunctions.RunAsync(args);
