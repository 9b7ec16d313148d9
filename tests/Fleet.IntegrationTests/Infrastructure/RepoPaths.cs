namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>Where the repository and the built programs are, found from the test assembly.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration this test assembly was built in; the programs it starts were built with it.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string Program(string projectDirectory, string assembly)
    {
        var path = Path.Combine(Root, projectDirectory, "bin", Configuration, "net10.0", assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; build Fleet.sln in {Configuration} first (./fleet test does).");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Fleet.sln not found above " + AppContext.BaseDirectory);
    }
}
