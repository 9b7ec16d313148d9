using Fleet.Worker.Sdk;

// Serves the functions declared in this project (echo), as any user's function project does.
return await FleetFunctions.RunAsync(args);
