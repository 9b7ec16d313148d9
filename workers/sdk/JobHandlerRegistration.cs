using System.Reflection;
using Fleet.Contracts.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Worker.Sdk;

public static class JobHandlerRegistration
{
    /// <summary>
    /// Registers a handler: its name comes from the <c>[HandlerInput]</c> attribute of its input
    /// type, so a new job kind is its input record, its handler and this one line.
    /// The handler is a singleton: models and compiled kernels it holds load once per process.
    /// </summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services)
        where THandler : class
    {
        var contract = typeof(THandler).GetInterfaces()
            .SingleOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IJobHandler<,>))
            ?? throw new InvalidOperationException($"{typeof(THandler).Name} does not implement IJobHandler<TInput, TOutput>.");
        var inputType = contract.GenericTypeArguments[0];
        var name = inputType.GetCustomAttribute<HandlerInputAttribute>()?.Handler
            ?? throw new InvalidOperationException($"{inputType.Name} has no [HandlerInput] attribute naming its handler.");

        var invokerType = typeof(JobHandlerInvoker<,,>).MakeGenericType(typeof(THandler), inputType, contract.GenericTypeArguments[1]);
        services.AddSingleton<THandler>();
        services.AddSingleton(typeof(JobHandlerInvoker), Activator.CreateInstance(invokerType, name)!);
        return services;
    }
}
