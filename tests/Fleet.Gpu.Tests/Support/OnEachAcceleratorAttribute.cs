using System.Reflection;
using Xunit.Sdk;

namespace Fleet.Gpu.Tests.Support;

/// <summary>The accelerators a kernel or model test runs on: <c>cpu</c> always, <c>cuda</c> where present.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OnEachAcceleratorAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        [[Accelerators.Cpu], [Accelerators.Cuda]];
}
