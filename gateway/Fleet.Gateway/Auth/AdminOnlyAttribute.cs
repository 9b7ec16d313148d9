namespace Fleet.Gateway.Auth;

/// <summary>Marks routes that manage the fleet (<c>/v1</c>): only an admin key may call them (403 for any other).</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class AdminOnlyAttribute : Attribute
{
}
