using System.Text.Json;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Worker.Sdk;

/// <summary>Runs one registered handler on a job's JSON input and returns its JSON output.</summary>
public abstract class JobHandlerInvoker(string handler)
{
    public string Handler { get; } = handler;

    /// <summary>Builds the handler (a singleton) and runs its <see cref="IFunctionInitializer"/>, if it has one.</summary>
    public abstract Task InitializeAsync(IServiceProvider services, CancellationToken cancellationToken);

    public abstract Task<JsonElement> InvokeAsync(
        IServiceProvider services, JsonElement input, JobContext context, CancellationToken cancellationToken);
}

internal sealed class JobHandlerInvoker<THandler, TInput, TOutput>(string handler) : JobHandlerInvoker(handler)
    where THandler : IJobHandler<TInput, TOutput>
{
    public override async Task InitializeAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<THandler>() is IFunctionInitializer initializer)
        {
            await initializer.InitializeAsync(cancellationToken);
        }
    }

    public override async Task<JsonElement> InvokeAsync(
        IServiceProvider services, JsonElement input, JobContext context, CancellationToken cancellationToken)
    {
        TInput typed;
        try
        {
            typed = input.Deserialize<TInput>(FleetJson.Input)
                ?? throw new PermanentJobException("input must be an object, not null");
        }
        catch (JsonException e)
        {
            // The gateway validated this input against the same type, so this means the gateway
            // and the worker run different versions of the contract: retrying cannot help.
            throw new PermanentJobException($"input does not match {typeof(TInput).Name}: {e.Message}", e);
        }

        var output = await services.GetRequiredService<THandler>().HandleAsync(typed, context, cancellationToken);
        return JsonSerializer.SerializeToElement(output, FleetJson.Output);
    }
}
