using System.Collections.Frozen;
using System.Reflection;
using Fleet.Contracts.Jobs;

namespace Fleet.Gateway.Admission;

/// <summary>
/// The input type of every handler, found by its <c>[HandlerInput]</c> attribute in the contracts
/// assembly: a new job kind adds a record there and the gateway validates it with no change here.
/// </summary>
public sealed class HandlerInputCatalog
{
    private readonly FrozenDictionary<string, Type> _byHandler = typeof(HandlerInputAttribute).Assembly.GetTypes()
        .Select(t => (Type: t, Attribute: t.GetCustomAttribute<HandlerInputAttribute>()))
        .Where(x => x.Attribute is not null)
        .ToFrozenDictionary(x => x.Attribute!.Handler, x => x.Type, StringComparer.Ordinal);

    public bool TryGet(string handler, out Type inputType) => _byHandler.TryGetValue(handler, out inputType!);
}
