namespace Fleet.Worker.Sdk;

/// <summary>
/// One-time work of a function's handler per worker (load a model, warm a cache), implemented by the
/// handler class. The handler is a singleton, built and initialized before the worker reports ready
/// and takes its first job; an initializer that throws stops the worker at start.
/// </summary>
public interface IFunctionInitializer
{
    Task InitializeAsync(CancellationToken cancellationToken);
}
