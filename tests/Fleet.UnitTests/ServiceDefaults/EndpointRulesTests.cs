using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.ServiceDefaults;

namespace Fleet.UnitTests.ServiceDefaults;

/// <summary>The rules of an endpoint definition at every edge of every field: each problem names its field.</summary>
public sealed class EndpointRulesTests
{
    private static readonly EndpointDefinition s_valid = new() { Id = "embed", Handler = "echo" };

    public static TheoryData<string, int, bool> NumberEdges()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var (field, low, high) in new (string, int, int)[]
        {
            ("workersMin", 0, EndpointRules.MaxWorkers), ("workersMax", 0, EndpointRules.MaxWorkers),
            ("idleTimeout", 0, EndpointRules.MaxIdleTimeoutSeconds), ("scalerValue", 1, EndpointRules.MaxScalerValue),
            ("executionTimeoutMs", EndpointRules.MinExecutionTimeoutMs, EndpointRules.MaxExecutionTimeoutMs),
            ("maxAttempts", 1, EndpointRules.MaxAttempts), ("minGpuMemoryMb", 0, EndpointRules.MaxGpuMemoryMb),
            ("concurrencyPerWorker", 1, EndpointRules.MaxConcurrencyPerWorker),
        })
        {
            data.Add(field, low, true);
            data.Add(field, high, true);
            data.Add(field, low - 1, false);
            data.Add(field, high + 1, false);
            data.Add(field, int.MinValue, false);
            data.Add(field, int.MaxValue, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NumberEdges))]
    public void Every_number_is_refused_past_its_limits_naming_its_field(string field, int value, bool valid)
    {
        // workersMax must also be at least workersMin: keep the other one out of the way.
        var definition = field switch
        {
            "workersMin" => s_valid with { WorkersMin = value, WorkersMax = EndpointRules.MaxWorkers },
            "workersMax" => s_valid with { WorkersMin = 0, WorkersMax = value },
            "idleTimeout" => s_valid with { IdleTimeoutSeconds = value },
            "scalerValue" => s_valid with { ScalerValue = value },
            "executionTimeoutMs" => s_valid with { ExecutionTimeoutMs = value },
            "maxAttempts" => s_valid with { MaxAttempts = value },
            "minGpuMemoryMb" => s_valid with { MinGpuMemoryMb = value },
            _ => s_valid with { ConcurrencyPerWorker = value },
        };

        var problems = EndpointRules.Check(definition).ToList();

        Assert.Equal(valid, problems.Count == 0);
        Assert.All(problems, p => Assert.Equal(field, p.Field));
    }

    [Fact]
    public void Workers_max_below_workers_min_is_refused_on_workers_max()
    {
        var problems = EndpointRules.Check(s_valid with { WorkersMin = 3, WorkersMax = 2 }).ToList();

        Assert.Equal("workersMax", Assert.Single(problems).Field);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Echo_2-b")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Path_safe_ids_are_accepted(string id) => Assert.Empty(EndpointRules.Check(s_valid with { Id = id }));

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("a b")]
    [InlineData("a%2Fb")]
    [InlineData("é")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    [InlineData("batch")]
    [InlineData("V1")]
    [InlineData("healthz")]
    public void Ids_that_are_not_path_safe_or_are_reserved_are_refused_on_name(string id)
    {
        Assert.Equal("name", Assert.Single(EndpointRules.Check(s_valid with { Id = id })).Field);
    }

    [Theory]
    [InlineData("Fleet__Endpoints__0__Id")]
    [InlineData("WORKER__ENDPOINTS__0")]
    [InlineData("RabbitMq__Password")]
    [InlineData("ConnectionStrings__Fleet")]
    [InlineData("DOTNET_gcServer")]
    [InlineData("LD_PRELOAD")]
    public void Env_may_not_override_what_fleet_or_the_runtime_sets(string name)
    {
        var problem = Assert.Single(EndpointRules.Check(s_valid with { Env = new Dictionary<string, string> { [name] = "x" } }));

        Assert.Equal($"env.{name}", problem.Field);
    }

    [Theory]
    [InlineData("1ABC")]
    [InlineData("A-B")]
    [InlineData("")]
    [InlineData("A=B")]
    public void Env_names_must_be_variable_names(string name)
    {
        Assert.Equal("env", Assert.Single(EndpointRules.Check(s_valid with { Env = new Dictionary<string, string> { [name] = "x" } })).Field);
    }

    [Fact]
    public void Env_values_may_hold_no_nul_and_are_bounded()
    {
        var withNul = s_valid with { Env = new Dictionary<string, string> { ["MODEL"] = "a\0b" } };
        var tooLong = s_valid with { Env = new Dictionary<string, string> { ["MODEL"] = new string('x', EndpointRules.MaxEnvValueLength + 1) } };
        var fine = s_valid with { Env = new Dictionary<string, string> { ["MODEL"] = "bert", ["HF_HOME"] = "/models" } };

        Assert.Equal("env.MODEL", Assert.Single(EndpointRules.Check(withNul)).Field);
        Assert.Equal("env.MODEL", Assert.Single(EndpointRules.Check(tooLong)).Field);
        Assert.Empty(EndpointRules.Check(fine));
    }

    [Fact]
    public void Cpu_fallback_is_for_gpu_endpoints_only()
    {
        Assert.Equal("cpuFallback", Assert.Single(EndpointRules.Check(s_valid with { CpuFallback = true })).Field);
        Assert.Empty(EndpointRules.Check(s_valid with { Hardware = Hardware.Gpu, CpuFallback = true }));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    public void A_package_is_a_lowercase_sha256(string package)
    {
        Assert.Equal("package", Assert.Single(EndpointRules.Check(s_valid with { Package = package })).Field);
        Assert.Empty(EndpointRules.Check(s_valid with { Package = package.ToLowerInvariant().PadRight(64, '0')[..64] }));
    }
}
