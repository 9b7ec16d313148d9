namespace Fleet.Contracts.Functions;

/// <summary>The values of <see cref="EndpointDeploymentResult.Result"/>.</summary>
public static class DeploymentResults
{
    public const string Created = "created";

    public const string Updated = "updated";

    public const string Unchanged = "unchanged";
}
