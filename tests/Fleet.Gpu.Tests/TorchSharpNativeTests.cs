using System.Reflection;
using Fleet.Gpu.Tests.Support;
using TorchSharp;
using Xunit;

namespace Fleet.Gpu.Tests;

/// <summary>
/// TorchSharp's native library loads from this build's output and computes, on any Linux host:
/// on Debian 12 only because the build marked its GLIBCXX_3.4.32 requirement weak.
/// </summary>
public sealed class TorchSharpNativeTests
{
    private const string Glibcxx332 = "GLIBCXX_3.4.32";

    [Fact]
    public void TorchSharp_loads_and_multiplies_on_the_cpu()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        var b = torch.tensor(new float[] { 7, 8, 9, 10, 11, 12 }, [3, 2]);

        var c = torch.matmul(a, b);

        Assert.Equal(DeviceType.CPU, c.device_type);
        Assert.Equal([58f, 64f, 139f, 154f], c.data<float>().ToArray());
    }

    [Fact]
    public void Build_output_copy_is_marked_weak_exactly_where_the_host_lacks_the_version()
    {
        var requirement = Glibcxx332Requirement(OutputCopy());
        bool weak = (requirement.Flags & ElfVersionNeeds.WeakFlag) != 0;
        var mode = BuildSetting("FleetLibTorchSharpPatch");
        bool hostHasIt = ElfVersionNeeds.HostLibStdCxxDefines(Glibcxx332);

        bool expectWeak = mode == "always" || (mode == "auto" && !hostHasIt);
        Assert.True(expectWeak == weak,
            $"{OutputCopy()}: {Glibcxx332} is {(weak ? "weak" : "required")}; with FleetLibTorchSharpPatch={mode} on a host whose libstdc++ {(hostHasIt ? "has" : "lacks")} it, it should be {(expectWeak ? "weak" : "required")}");
    }

    [Fact]
    public void NuGet_cache_copy_is_never_patched()
    {
        var cached = Path.Combine(BuildSetting("NuGetPackageRoot"), "torchsharp", typeof(torch).Assembly.GetName().Version!.ToString(3),
            "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(cached), $"expected TorchSharp's native library in the NuGet cache at {cached}");

        Assert.Equal(0, Glibcxx332Requirement(cached).Flags & ElfVersionNeeds.WeakFlag);
    }

    private static string OutputCopy() =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static (string File, string Version, ushort Flags) Glibcxx332Requirement(string library)
    {
        var needs = ElfVersionNeeds.Read(library);
        return Assert.Single(needs, n => n.Version == Glibcxx332 && n.File.StartsWith("libstdc++", StringComparison.Ordinal));
    }

    private static string BuildSetting(string key) =>
        typeof(TorchSharpNativeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"the test project was built without {key}");
}
