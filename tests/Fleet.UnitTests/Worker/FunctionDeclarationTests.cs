using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Jobs.Echo;
using Fleet.ServiceDefaults;
using Fleet.UnitTests.Support;
using Fleet.Worker.Cpu.Handlers;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fleet.UnitTests.Worker;

/// <summary>Functions declared in code: the attribute, its validation, the manifest, and the endpoints it makes.</summary>
public sealed class FunctionDeclarationTests
{
    [Fact]
    public void Echo_is_declared_with_the_resources_infra_endpoints_json_gives_it()
    {
        var declared = FunctionDeclaration.From(typeof(EchoHandler)).ToEndpointDefinition();

        Assert.Equal(RepoFiles.InfraEndpoints().Single(e => e.Id == "echo"), declared);
    }

    [Fact]
    public void An_attribute_left_at_its_defaults_makes_the_default_endpoint()
    {
        var declared = FunctionDeclaration.From(typeof(Defaults)).ToEndpointDefinition();

        Assert.Equal(new EndpointDefinition { Id = "defaults", Handler = "defaults" }, declared);
    }

    [Fact]
    public void Every_resource_and_the_environment_reach_the_manifest()
    {
        var manifest = FunctionDeclaration.From(typeof(Everything)).ToManifest();

        Assert.Equal(("everything", Hardware.Gpu, 1, 3, 17),
            (manifest.Name, manifest.Hardware, manifest.WorkersMin, manifest.WorkersMax, manifest.IdleTimeoutSeconds));
        Assert.Equal((ScalerType.RequestCount, 9, 45_000, 4),
            (manifest.ScalerType, manifest.ScalerValue, manifest.ExecutionTimeoutMs, manifest.MaxAttempts));
        Assert.Equal((2048, true, 6), (manifest.MinGpuMemoryMb, manifest.CpuFallback, manifest.ConcurrencyPerWorker));
        Assert.Equal(new Dictionary<string, string> { ["MODEL_SIZE"] = "small", ["Gpu__Device"] = "cpu" }, manifest.Env);
        Assert.Equal(typeof(Everything).FullName, manifest.HandlerType);
        Assert.Equal(typeof(Numbers).FullName, manifest.InputType);
        Assert.Equal(JsonValueKind.Object, manifest.InputSchema!.Value.ValueKind);
        Assert.Equal(JsonValueKind.Object, manifest.OutputSchema!.Value.ValueKind);
    }

    [Fact]
    public void An_invalid_declaration_is_refused_naming_the_field()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionDeclaration.From(typeof(MoreMinThanMax)));

        Assert.Contains("workersMax: must be at least workersMin", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MoreMinThanMax), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_that_is_no_endpoint_id_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionDeclaration.From(typeof(BadName)));

        Assert.Contains("letters, digits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_variable_given_twice_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionDeclaration.From(typeof(TwiceTheSameVariable)));

        Assert.Contains("MODEL_SIZE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_name_must_agree_with_the_handler_its_input_names()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionDeclaration.From(typeof(NotEcho)));

        Assert.Contains("'not-echo'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'echo'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_manifest_of_the_cpu_worker_names_its_entry_point_the_sdk_version_and_echo()
    {
        var manifest = FunctionManifests.For(typeof(EchoHandler).Assembly);

        Assert.Equal("Fleet.Worker.Cpu.dll", manifest.EntryPoint);
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", manifest.SdkVersion);
        Assert.Equal(["echo"], manifest.Functions.Select(f => f.Name));
    }

    [Fact]
    public async Task The_manifest_is_written_as_camel_case_json_that_reads_back_the_same()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await FleetFunctions.WriteManifestAsync(typeof(EchoHandler).Assembly, output, error);

        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(output.ToString());
        var echo = document.RootElement.GetProperty("functions")[0];
        Assert.Equal("Cpu", echo.GetProperty("hardware").GetString());
        Assert.Equal(64, echo.GetProperty("concurrencyPerWorker").GetInt32());
        var read = JsonSerializer.Deserialize<Fleet.Contracts.Functions.ProjectManifest>(output.ToString(), FunctionManifests.Json)!;
        Assert.Equal(FunctionDeclaration.From(typeof(EchoHandler)).ToEndpointDefinition(), read.Functions[0].ToEndpointDefinition());
    }

    [Fact]
    public void Configuration_overrides_a_declared_endpoint_and_the_declaration_fills_what_it_lacks()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Endpoints:0:Id"] = "echo",
            ["Fleet:Endpoints:0:Handler"] = "echo",
            ["Fleet:Endpoints:0:ConcurrencyPerWorker"] = "3",
        }).Build();
        var services = new ServiceCollection();
        services.AddOptions<FleetOptions>().Bind(configuration.GetSection(FleetNames.EndpointsSection));
        services.AddFleetFunctions([FunctionDeclaration.From(typeof(EchoHandler)), FunctionDeclaration.From(typeof(Defaults))]);
        using var provider = services.BuildServiceProvider();

        var endpoints = provider.GetRequiredService<IOptions<FleetOptions>>().Value.Endpoints;

        Assert.Equal(3, endpoints.Single(e => e.Id == "echo").ConcurrencyPerWorker);
        Assert.Equal(FunctionDeclaration.From(typeof(Defaults)).ToEndpointDefinition(), endpoints.Single(e => e.Id == "defaults"));
    }

    [Fact]
    public void Declared_environment_becomes_configuration_defaults_unless_two_functions_disagree()
    {
        var defaults = FunctionDeclaration.EnvironmentDefaults(
            [FunctionDeclaration.From(typeof(Everything)), FunctionDeclaration.From(typeof(OtherModel))]);

        // Gpu__Device is configuration key Gpu:Device; MODEL_SIZE is small for one and large for the other.
        Assert.Equal([KeyValuePair.Create("Gpu:Device", (string?)"cpu")], defaults);
    }

    internal sealed record Numbers(int Value);

    private abstract class Returns : IJobHandler<Numbers, Numbers>
    {
        public Task<Numbers> HandleAsync(Numbers input, JobContext context, CancellationToken cancellationToken) => Task.FromResult(input);
    }

    [FleetFunction("defaults")]
    private sealed class Defaults : Returns;

    [FleetFunction("everything", Hardware = Hardware.Gpu, WorkersMin = 1, WorkersMax = 3, IdleTimeoutSeconds = 17,
        ScalerType = ScalerType.RequestCount, ScalerValue = 9, ExecutionTimeoutMs = 45_000, MaxAttempts = 4,
        MinGpuMemoryMb = 2048, CpuFallback = true, ConcurrencyPerWorker = 6)]
    [FleetEnv("MODEL_SIZE", "small")]
    [FleetEnv("Gpu__Device", "cpu")]
    private sealed class Everything : Returns;

    [FleetFunction("other-model")]
    [FleetEnv("MODEL_SIZE", "large")]
    private sealed class OtherModel : Returns;

    [FleetFunction("min-over-max", WorkersMin = 3, WorkersMax = 1)]
    private sealed class MoreMinThanMax : Returns;

    [FleetFunction("no spaces")]
    private sealed class BadName : Returns;

    [FleetFunction("twice")]
    [FleetEnv("MODEL_SIZE", "small")]
    [FleetEnv("MODEL_SIZE", "large")]
    private sealed class TwiceTheSameVariable : Returns;

    [FleetFunction("not-echo")]
    private sealed class NotEcho : IJobHandler<EchoInput, EchoOutput>
    {
        public Task<EchoOutput> HandleAsync(EchoInput input, JobContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new EchoOutput(input.Echo, null));
    }
}
