namespace Fleet.Client;

/// <summary>In which order a map hands out its results (Modal's <c>order_outputs</c>).</summary>
public enum FleetMapOrder
{
    /// <summary>
    /// In the order of the inputs; a slow early job holds back later results (within <see cref="FleetMapOptions.MaxInFlight"/>).
    /// </summary>
    Input,

    /// <summary>As the jobs end; each result carries its input's index.</summary>
    Completion,
}
