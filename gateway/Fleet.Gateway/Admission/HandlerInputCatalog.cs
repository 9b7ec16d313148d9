using System.Collections.Frozen;
using System.Reflection;
using Fleet.Contracts;
using Fleet.Contracts.Jobs;

namespace Fleet.Gateway.Admission;

/// <summary>
/// The handlers of Fleet's own worker programs, found by the <c>[HandlerInput]</c> attribute of their input
/// records in the contracts assembly: each one's input type, which the gateway validates a job's <c>input</c>
/// against, and the hardware of the program that has it. A new job kind adds a record there and nothing here.
/// </summary>
public sealed class HandlerInputCatalog
{
    private readonly FrozenDictionary<string, (Type InputType, Hardware Hardware)> _byHandler = typeof(HandlerInputAttribute).Assembly
        .GetTypes()
        .Select(t => (Type: t, Attribute: t.GetCustomAttribute<HandlerInputAttribute>()))
        .Where(x => x.Attribute is not null)
        .ToFrozenDictionary(x => x.Attribute!.Handler, x => (x.Type, x.Attribute!.Hardware), StringComparer.Ordinal);

    public bool TryGet(string handler, out Type inputType)
    {
        var found = _byHandler.TryGetValue(handler, out var entry);
        inputType = entry.InputType;
        return found;
    }

    /// <summary>The built-in handlers, by name, with the hardware of the worker program that has each.</summary>
    public IEnumerable<(string Handler, Hardware Hardware)> BuiltIn => _byHandler.Select(h => (h.Key, h.Value.Hardware));

    /// <summary>Whether Fleet's worker program for <paramref name="hardware"/> has <paramref name="handler"/>.</summary>
    public bool IsBuiltIn(string handler, Hardware hardware) =>
        _byHandler.TryGetValue(handler, out var entry) && entry.Hardware == hardware;
}
