using System.Reflection;
using Fleet.Contracts.Jobs;

namespace Fleet.Worker.Sdk;

/// <summary>A handler class's input and output types and the name jobs reach it by.</summary>
internal sealed record HandlerContract(Type HandlerType, Type InputType, Type OutputType, string Name)
{
    public static HandlerContract Of(Type handlerType)
    {
        var contracts = handlerType.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IJobHandler<,>))
            .ToList();
        if (contracts.Count != 1 || handlerType.IsAbstract || handlerType.IsGenericTypeDefinition)
        {
            throw new InvalidOperationException(contracts.Count > 1
                ? $"{handlerType.Name} implements IJobHandler<TInput, TOutput> more than once; a handler has one input and one output."
                : $"{handlerType.Name} is not a concrete class implementing IJobHandler<TInput, TOutput>.");
        }

        var input = contracts[0].GenericTypeArguments[0];
        var output = contracts[0].GenericTypeArguments[1];
        var declared = handlerType.GetCustomAttribute<FleetFunctionAttribute>()?.Name;
        // Fleet's own input records name their handler too ([HandlerInput], read by the gateway):
        // a function's name must agree with it.
        var named = input.GetCustomAttribute<HandlerInputAttribute>()?.Handler;
        if (declared is not null && named is not null && declared != named)
        {
            throw new InvalidOperationException(
                $"{handlerType.Name} is declared as function '{declared}', but its input {input.Name} names handler '{named}'.");
        }

        var name = declared ?? named ?? throw new InvalidOperationException(
            $"{handlerType.Name} has no [FleetFunction(\"name\")] "
            + $"(and its input {input.Name} no [HandlerInput] attribute naming its handler).");
        return new HandlerContract(handlerType, input, output, name);
    }
}
