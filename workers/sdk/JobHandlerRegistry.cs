using System.Collections.Frozen;

namespace Fleet.Worker.Sdk;

/// <summary>The handlers this worker process can run, by handler name.</summary>
public sealed class JobHandlerRegistry(IEnumerable<JobHandlerInvoker> invokers)
{
    private readonly FrozenDictionary<string, JobHandlerInvoker> _byName =
        invokers.ToFrozenDictionary(i => i.Handler, StringComparer.Ordinal);

    public IEnumerable<string> Handlers => _byName.Keys;

    public bool TryGet(string handler, out JobHandlerInvoker invoker) => _byName.TryGetValue(handler, out invoker!);
}
