namespace Fleet.Gateway.FrontDoor;

/// <summary>Which bound of <see cref="BodyBudget"/> a reservation hit.</summary>
public enum BodyBudgetRefusal
{
    /// <summary>The gateway holds its limit of body bytes (503: any client may retry shortly).</summary>
    Gateway,

    /// <summary>This API key holds its own limit (429: this client sends too much at once).</summary>
    Key,
}
