using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Fleet.Autoscaler.Kubernetes;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.ServiceDefaults;
using Fleet.UnitTests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Fleet.UnitTests.Autoscaler;

/// <summary>
/// The committed manifests under infra/k8s are what the generator makes from infra/endpoints.json,
/// and every scaling field in them is the endpoint's own (read back from the YAML text).
/// </summary>
public sealed partial class KubernetesManifestsTests
{
    private static readonly string s_root = RepoFiles.Root;
    private static readonly string s_committed = Path.Combine(s_root, "infra", "k8s");
    private static readonly IReadOnlyList<EndpointDefinition> s_endpoints = RepoFiles.InfraEndpoints();
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public void Committed_manifests_are_up_to_date_with_the_endpoint_configuration()
    {
        var generated = KubernetesManifests.Generate(s_endpoints);

        foreach (var file in generated)
        {
            var path = Path.Combine(s_committed, file.Name);
            Assert.True(File.Exists(path), $"{path} is missing; run: dotnet autoscaler/Fleet.Autoscaler/bin/Release/net10.0/Fleet.Autoscaler.dll k8s");
            Assert.True(file.Content == File.ReadAllText(path), $"{path} is out of date; regenerate it (README: Kubernetes)");
        }

        Assert.Equal(
            generated.Select(f => f.Name).Order(StringComparer.Ordinal),
            Directory.EnumerateFiles(s_committed, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_pool_has_a_deployment_and_a_scaled_object_matching_its_endpoint()
    {
        var documents = Directory.EnumerateFiles(s_committed, "*.yaml").SelectMany(f => File.ReadAllText(f).Split("\n---\n")).ToList();
        foreach (var endpoint in s_endpoints)
        {
            var pools = endpoint.Hardware == Hardware.Gpu && endpoint.CpuFallback
                ? new[] { (Hardware.Gpu, "gpu"), (Hardware.Cpu, "cpu-fallback") }
                : [(endpoint.Hardware, endpoint.Hardware == Hardware.Gpu ? "gpu" : "cpu")];
            foreach (var (hardware, kind) in pools)
            {
                var name = $"fleet-worker-{endpoint.Id}-{kind}";
                var scaled = Single(documents, "ScaledObject", name);
                var fallback = kind == "cpu-fallback";
                Assert.Equal(fallback ? "0" : endpoint.WorkersMin.ToString(), Field(scaled, "minReplicaCount"));
                Assert.Equal(endpoint.WorkersMax.ToString(), Field(scaled, "maxReplicaCount"));
                Assert.Equal(endpoint.IdleTimeoutSeconds.ToString(), Field(scaled, "cooldownPeriod"));
                Assert.Equal(endpoint.IdleTimeoutSeconds.ToString(), Field(scaled, "stabilizationWindowSeconds"));
                Assert.Equal("rabbitmq", Field(scaled, "- type"));
                Assert.Equal("http", Field(scaled, "protocol"));
                Assert.Equal("QueueLength", Field(scaled, "mode"));
                Assert.Equal("\"false\"", Field(scaled, "excludeUnacknowledged"));
                Assert.Equal(FleetNames.JobQueue(endpoint.Id, hardware), Field(scaled, "queueName"));
                var perReplica = endpoint.ScalerType == ScalerType.RequestCount ? endpoint.ScalerValue : endpoint.ConcurrencyPerWorker;
                Assert.Equal($"\"{perReplica}\"", Field(scaled, "value"));

                var deployment = Single(documents, "Deployment", name);
                Assert.Equal(endpoint.Id, EnvValue(deployment, "Worker__Endpoints__0"));
                Assert.Equal(fallback ? "Cpu" : null, EnvValue(deployment, "Worker__Hardware"));
                Assert.Equal(endpoint.Hardware == Hardware.Gpu ? "fleet-worker-gpu" : "fleet-worker-cpu", Field(deployment, "image"));
                Assert.Equal(hardware == Hardware.Gpu ? "1" : null, FieldOrNull(deployment, "nvidia.com/gpu"));
                // Kubernetes may pick a busy pod to remove: it must get to finish its job.
                Assert.True(int.Parse(Field(deployment, "terminationGracePeriodSeconds")) * 1000 > endpoint.ExecutionTimeoutMs, name);
            }
        }
    }

    [Fact]
    public void The_config_map_carries_the_same_endpoint_definitions()
    {
        var text = File.ReadAllText(Path.Combine(s_committed, "fleet-endpoints.yaml"));
        var json = string.Join('\n', text[(text.IndexOf("endpoints.json: |\n", StringComparison.Ordinal) + 18)..]
            .Split('\n').Select(line => line.Length >= 4 ? line[4..] : line));

        var options = JsonSerializer.Deserialize<JsonElement>(json).GetProperty("fleet").GetProperty("endpoints")
            .Deserialize<List<EndpointDefinition>>(s_json);

        Assert.Equal(s_endpoints, options);
    }

    [Fact]
    public void A_package_endpoint_runs_the_generic_package_worker_told_which_package_to_fetch_and_fleets_own_endpoints_do_not()
    {
        var sha = new string('c', 64);
        var endpoints = new List<EndpointDefinition>
        {
            new() { Id = "summarize", Handler = "summarize", Package = sha, Version = 3 },
            new() { Id = "tensor", Handler = "tensor", Hardware = Hardware.Gpu, Package = sha },
            new() { Id = "echo", Handler = "echo" },
        };

        var documents = KubernetesManifests.Generate(endpoints).SelectMany(f => f.Content.Split("\n---\n")).ToList();

        var summarize = Single(documents, "Deployment", "fleet-worker-summarize-cpu");
        Assert.Equal(("fleet-worker-package-cpu", sha), (Field(summarize, "image"), EnvValue(summarize, FleetNames.PackageVariable)));
        Assert.Equal("fleet-worker-package-gpu", Field(Single(documents, "Deployment", "fleet-worker-tensor-gpu"), "image"));
        var echo = Single(documents, "Deployment", "fleet-worker-echo-cpu");
        Assert.Equal(("fleet-worker-cpu", null), (Field(echo, "image"), EnvValue(echo, FleetNames.PackageVariable)));
        Assert.Contains(FleetNames.GatewayUrlVariable, KubernetesManifests.Generate(endpoints).Single(f => f.Name == "kustomization.yaml")
            .Content);
    }

    private static string Single(List<string> documents, string kind, string name)
    {
        var matches = documents.Where(d => d.Contains($"\nkind: {kind}\n", StringComparison.Ordinal) && MetadataName().Match(d).Groups[1].Value == name).ToList();
        Assert.True(matches.Count == 1, $"expected one {kind} {name}, found {matches.Count}");
        return matches[0];
    }

    private static string Field(string document, string key) =>
        FieldOrNull(document, key) ?? throw new Xunit.Sdk.XunitException($"no '{key}' in\n{document}");

    private static string? FieldOrNull(string document, string key)
    {
        var match = Regex.Match(document, $@"^\s*{Regex.Escape(key)}: (.+)$", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value.Trim() : null;
    }

    private static string? EnvValue(string document, string name)
    {
        var match = Regex.Match(document, $@"- name: {Regex.Escape(name)}\n\s+value: (\S+)");
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^metadata:\n  name: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex MetadataName();
}
