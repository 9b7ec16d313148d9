using Fleet.Autoscaler.Packages;

namespace Fleet.UnitTests.Autoscaler;

/// <summary>Which program of an extracted package runs: the one assembly with a runtimeconfig at its root.</summary>
public sealed class PackageEntryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fleet-package-entry-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Write(params string[] names)
    {
        foreach (var name in names)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_folder, name))!);
            File.WriteAllText(Path.Combine(_folder, name), "");
        }
    }

    [Fact]
    public void The_assembly_beside_the_one_runtimeconfig_at_the_root_is_the_entry()
    {
        Write("Summarize.dll", "Summarize.runtimeconfig.json", "Fleet.Worker.Sdk.dll", "tools/Other.runtimeconfig.json");

        Assert.Equal(Path.Combine(_folder, "Summarize.dll"), PackageEntry.Find(_folder));
    }

    [Fact]
    public void A_package_without_a_runtimeconfig_is_no_program()
    {
        Write("Summarize.dll");

        var error = Assert.Throws<PackageException>(() => PackageEntry.Find(_folder));

        Assert.Contains("no *.runtimeconfig.json at its root", error.Message);
    }

    [Fact]
    public void A_package_with_two_runtimeconfigs_is_ambiguous_and_names_them()
    {
        Write("A.dll", "A.runtimeconfig.json", "B.dll", "B.runtimeconfig.json");

        var error = Assert.Throws<PackageException>(() => PackageEntry.Find(_folder));

        Assert.Contains("2 *.runtimeconfig.json files at its root (A.runtimeconfig.json, B.runtimeconfig.json)", error.Message);
    }

    [Fact]
    public void A_runtimeconfig_without_its_assembly_says_which_is_missing()
    {
        Write("Summarize.runtimeconfig.json");

        var error = Assert.Throws<PackageException>(() => PackageEntry.Find(_folder));

        Assert.Contains("no Summarize.dll beside it", error.Message);
    }
}
