namespace Fleet.Client.Mapping;

/// <summary>
/// Which of Fleet's batch routes an endpoint's server lacks, learnt from a 404 or 405 the first
/// time each is tried (RunPod, an older gateway), so a map asks once and then uses RunPod's routes.
/// </summary>
internal sealed class RouteSupport
{
    private volatile bool _batchRunMissing;
    private volatile bool _batchStatusMissing;

    public bool BatchRunMissing
    {
        get => _batchRunMissing;
        set => _batchRunMissing = value;
    }

    public bool BatchStatusMissing
    {
        get => _batchStatusMissing;
        set => _batchStatusMissing = value;
    }
}
