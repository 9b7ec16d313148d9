using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace Fleet.UnitTests.ServiceDefaults;

/// <summary>An endpoint's env as the gateway checks it and the workers read it, and the endpoints file the autoscaler writes.</summary>
public sealed class EndpointEnvironmentTests
{
    [Theory]
    [InlineData("MODEL_NAME")]
    [InlineData("_private")]
    [InlineData("HF_HOME")]
    [InlineData("Logging__LogLevel__Default")]
    [InlineData("FLEETING")]
    public void Accepts_names_of_the_users_own(string name)
    {
        Assert.Null(EndpointEnvironment.Problem(name, "value"));
    }

    [Theory]
    [InlineData("Worker__Key")]
    [InlineData("worker__id")]
    [InlineData("RabbitMq__Password")]
    [InlineData("ConnectionStrings__Fleet")]
    [InlineData("Fleet__Endpoints__0__Handler")]
    [InlineData("FLEET_ENDPOINTS_FILE")]
    [InlineData("FLEET_WORKER_VERSION")]
    [InlineData("DOTNET_STARTUP_HOOKS")]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("LD_PRELOAD")]
    [InlineData("Autoscaler__WorkerLogDirectory")]
    [InlineData("Gpu__Device")]
    [InlineData("path")]
    public void Refuses_the_names_of_fleets_own_settings_whatever_their_case(string name)
    {
        Assert.Contains("reserved", EndpointEnvironment.Problem(name, "x"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("9LIVES")]
    [InlineData("A-B")]
    [InlineData("A:B")]
    [InlineData("A B")]
    [InlineData("A=B")]
    public void Refuses_names_that_are_not_environment_variable_names(string name)
    {
        Assert.Contains("letters, digits", EndpointEnvironment.Problem(name, "x"));
    }

    [Fact]
    public void Refuses_a_value_with_nul_and_a_name_over_the_limit()
    {
        Assert.NotNull(EndpointEnvironment.Problem("A", "a\0b"));
        Assert.NotNull(EndpointEnvironment.Problem(new string('A', EndpointEnvironment.MaxNameLength + 1), "x"));
        Assert.Null(EndpointEnvironment.Problem(new string('A', EndpointEnvironment.MaxNameLength), ""));
    }

    [Fact]
    public void Definitions_are_equal_by_value_with_their_env_compared_by_content()
    {
        var a = new EndpointDefinition { Id = "e", Handler = "echo", Env = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" } };
        var b = a with { Env = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" } };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Env = new Dictionary<string, string> { ["A"] = "1", ["B"] = "3" } });
        Assert.NotEqual(a, b with { Version = 2 });
        Assert.True(EndpointDefinitions.SameWorkers(a, b with { Version = 2, WorkersMax = 9, ExecutionTimeoutMs = 5_000 }));
        Assert.False(EndpointDefinitions.SameWorkers(a, b with { ConcurrencyPerWorker = 2 }));
    }

    [Fact]
    public void An_endpoints_file_reads_back_through_configuration_as_the_same_definition()
    {
        var endpoint = new EndpointDefinition
        {
            Id = "summarize", Handler = "summarize", Hardware = Hardware.Gpu, WorkersMin = 1, WorkersMax = 3,
            ScalerType = ScalerType.RequestCount, ScalerValue = 2, CpuFallback = true, ConcurrencyPerWorker = 4, Package = "ab12", Version = 7,
            Env = new Dictionary<string, string> { ["MODEL_NAME"] = "tiny", ["Greeting__Text"] = "héllo \"there\"" },
        };
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, EndpointsFile.Json([endpoint]));

            var read = new ConfigurationBuilder().AddJsonFile(path).Build().GetSection(FleetNames.EndpointsSection).Get<FleetOptions>()!;

            Assert.Equal(endpoint, Assert.Single(read.Endpoints));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
