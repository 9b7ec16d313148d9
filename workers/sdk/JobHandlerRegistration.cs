using System.Reflection;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Worker.Sdk;

public static class JobHandlerRegistration
{
    /// <summary>
    /// Registers a handler under its function's name (<c>[FleetFunction]</c>), else the name its input
    /// record gives (<c>[HandlerInput]</c>). The handler is a singleton: models and compiled kernels it
    /// holds load once per process, before the worker reports ready.
    /// </summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services)
        where THandler : class => services.AddJobHandler(typeof(THandler));

    /// <inheritdoc cref="AddJobHandler{THandler}(IServiceCollection)"/>
    public static IServiceCollection AddJobHandler(this IServiceCollection services, Type handlerType)
    {
        var contract = HandlerContract.Of(handlerType);
        var invokerType = typeof(JobHandlerInvoker<,,>).MakeGenericType(handlerType, contract.InputType, contract.OutputType);
        services.AddSingleton(handlerType);
        services.AddSingleton(typeof(JobHandlerInvoker), Activator.CreateInstance(invokerType, contract.Name)!);
        return services;
    }

    /// <summary>
    /// Registers every function declared in <paramref name="assembly"/> (<see cref="FunctionDeclaration.FromAssembly"/>).
    /// </summary>
    public static IServiceCollection AddFleetFunctions(this IServiceCollection services, Assembly assembly) =>
        services.AddFleetFunctions(FunctionDeclaration.FromAssembly(assembly));

    /// <summary>
    /// Registers the handlers of <paramref name="functions"/>, and their endpoints as the declarations
    /// give them wherever configuration (<c>FLEET_ENDPOINTS_FILE</c>, <c>Fleet:Endpoints</c>) has no
    /// endpoint of that id: configuration seeds and overrides, the code declares.
    /// </summary>
    public static IServiceCollection AddFleetFunctions(this IServiceCollection services, IReadOnlyList<FunctionDeclaration> functions)
    {
        foreach (var function in functions)
        {
            services.AddJobHandler(function.HandlerType);
        }

        services.PostConfigure<FleetOptions>(options =>
        {
            foreach (var function in functions.Where(f => !options.Endpoints.Any(e => e.Id == f.Name)))
            {
                options.Endpoints.Add(function.ToEndpointDefinition());
            }
        });
        return services;
    }
}
