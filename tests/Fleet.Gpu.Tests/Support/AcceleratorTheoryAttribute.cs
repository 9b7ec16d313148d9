using Xunit;
using Xunit.Sdk;

namespace Fleet.Gpu.Tests.Support;

/// <summary>
/// A test written once and run on each accelerator of <see cref="OnEachAcceleratorAttribute"/>.
/// A row whose accelerator this machine lacks is reported skipped, with the reason found when the
/// tests were discovered (no CUDA device, a CPU-only libtorch, ...).
/// </summary>
[XunitTestCaseDiscoverer("Fleet.Gpu.Tests.Support.AcceleratorTheoryDiscoverer", "Fleet.Gpu.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class AcceleratorTheoryAttribute : TheoryAttribute
{
    public ComputeBackend Backend { get; set; } = ComputeBackend.Ilgpu;
}
