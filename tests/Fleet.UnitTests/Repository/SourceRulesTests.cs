using System.Text.RegularExpressions;

namespace Fleet.UnitTests.Repository;

/// <summary>
/// Rules of the house style that a reviewer would otherwise have to remember: short lines, gateway files a
/// reader can hold, and one storage class writing each table (its SQL text appears nowhere else).
/// </summary>
public sealed partial class SourceRulesTests
{
    private const int MaxLineLength = 140;
    private const int MaxGatewayFileLines = 300;

    private static readonly string s_root = FindRoot();

    private static readonly string[] s_production = ["gateway", "workers", "autoscaler", "contracts", "client"];

    /// <summary>Each table the gateway writes, and the one file set (a storage class) whose SQL writes it.</summary>
    public static TheoryData<string, string> Writers() => new()
    {
        { "jobs", "Storage/JobStore" },
        { "outbox_messages", "Storage/OutboxStore" },
        { "webhook_deliveries", "Storage/WebhookDeliveryStore" },
        { "workers", "Storage/WorkerStore" },
        { "job_stream_chunks", "Storage/StreamChunkStore" },
        { "endpoints", "Storage/EndpointStore" },
        { "packages", "Storage/PackageStore" },
        { "package_chunks", "Storage/PackageStore" },
    };

    [Fact]
    public void Production_code_has_no_line_over_140_characters()
    {
        var tooLong = SourceFiles(s_production)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, line.Length)))
            .Where(l => l.Length > MaxLineLength)
            .Select(l => $"{Path.GetRelativePath(s_root, l.File)}:{l.Line} ({l.Length})")
            .ToList();

        Assert.True(tooLong.Count == 0, "lines over 140 characters:\n" + string.Join("\n", tooLong));
    }

    [Fact]
    public void No_gateway_file_outside_migrations_is_over_300_lines()
    {
        var large = SourceFiles(["gateway"])
            .Select(f => (File: f, Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > MaxGatewayFileLines)
            .Select(f => $"{Path.GetRelativePath(s_root, f.File)} ({f.Lines})")
            .ToList();

        Assert.True(large.Count == 0, "gateway files over 300 lines:\n" + string.Join("\n", large));
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void Each_table_is_written_from_its_storage_class_only(string table, string writer)
    {
        var statement = new Regex($@"(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+{table}\b", RegexOptions.IgnoreCase);
        var writers = SourceFiles(["gateway"])
            .Where(f => statement.IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(Path.Combine(s_root, "gateway", "Fleet.Gateway"), f).Replace('\\', '/'))
            .ToList();

        Assert.NotEmpty(writers);
        Assert.All(writers, f => Assert.StartsWith(writer, f, StringComparison.Ordinal));
    }

    private static IEnumerable<string> SourceFiles(string[] folders) => folders
        .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(s_root, folder), "*.cs", SearchOption.AllDirectories))
        .Where(f => !Generated().IsMatch(f.Replace('\\', '/')));

    [GeneratedRegex("/(obj|bin|Migrations)/")]
    private static partial Regex Generated();

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
