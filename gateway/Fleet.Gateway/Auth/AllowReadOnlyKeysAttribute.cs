namespace Fleet.Gateway.Auth;

/// <summary>Marks a POST route that only reads (<c>batch/status</c>), so read-only API keys may use it.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class AllowReadOnlyKeysAttribute : Attribute
{
}
