using Xunit.Abstractions;
using Xunit.Sdk;

namespace Fleet.Gpu.Tests.Support;

/// <summary>
/// Turns the rows of an <see cref="AcceleratorTheoryAttribute"/> test whose accelerator is absent
/// into skipped rows, and prints why (xunit.runner.json turns diagnostic messages on, so the
/// reason shows at dotnet test's default verbosity).
/// </summary>
public sealed class AcceleratorTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow)
    {
        if (dataRow is not [string accelerator, ..])
        {
            return base.CreateTestCasesForDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow);
        }

        var backend = theoryAttribute.GetNamedArgument<ComputeBackend>(nameof(AcceleratorTheoryAttribute.Backend));
        var reason = Accelerators.WhyUnavailable(backend, accelerator);
        if (reason is null)
        {
            return base.CreateTestCasesForDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow);
        }

        var test = $"{testMethod.TestClass.Class.Name.Split('.')[^1]}.{testMethod.Method.Name}({accelerator})";
        DiagnosticMessageSink.OnMessage(new DiagnosticMessage($"[SKIP] {test}: {reason}"));
        return CreateTestCasesForSkippedDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow, reason);
    }
}
