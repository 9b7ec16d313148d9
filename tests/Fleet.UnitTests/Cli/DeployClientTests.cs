using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Fleet.Cli.Deploy;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Functions;
using Fleet.UnitTests.Support;

namespace Fleet.UnitTests.Cli;

/// <summary>
/// The HTTP half of <c>fleet deploy</c> against a recording server: the contract the gateway's
/// <c>PUT /v1/packages/{sha256}</c> and <c>PUT /v1/endpoints/{name}</c> will serve.
/// </summary>
public sealed class DeployClientTests : IDisposable
{
    private const string Key = "admin-key-for-deploy";

    private readonly RecordingGateway _gateway = new();
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("fleet-deploy-test-");

    public void Dispose()
    {
        _gateway.Dispose();
        _work.Delete(recursive: true);
    }

    private DeployClient Client() => new(_gateway.Address, Key);

    private PackageFile Package(int bytes)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work.FullName, "publish"));
        File.WriteAllBytes(Path.Combine(folder.FullName, "App.dll"), RandomNumberGenerator.GetBytes(bytes));
        return PackageArchive.Create(folder.FullName, Path.Combine(_work.FullName, "package.zip"));
    }

    private static FunctionManifest Classify => new()
    {
        Name = "classify",
        HandlerType = "Pipeline.Classify",
        Hardware = Hardware.Gpu,
        WorkersMin = 0,
        WorkersMax = 3,
        IdleTimeoutSeconds = 45,
        ScalerType = ScalerType.RequestCount,
        ScalerValue = 2,
        ExecutionTimeoutMs = 90_000,
        MaxAttempts = 2,
        MinGpuMemoryMb = 1024,
        CpuFallback = true,
        ConcurrencyPerWorker = 3,
        Env = new Dictionary<string, string> { ["MODEL"] = "tiny" },
        InputSchema = JsonDocument.Parse("""{"type": "object"}""").RootElement,
    };

    [Fact]
    public async Task Uploads_the_package_under_its_hash_as_a_zip_with_the_admin_key_and_reports_progress()
    {
        var package = Package(300_000);
        long reported = 0;

        var status = await Client().UploadAsync(package, read => reported += read, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Created, status);
        var upload = Assert.Single(_gateway.Requests);
        Assert.Equal(("PUT", $"/v1/packages/{package.Sha256}", "application/zip", $"Bearer {Key}"),
            (upload.Method, upload.Path, upload.ContentType, upload.Authorization));
        Assert.Equal(package.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), upload.ContentLength);
        Assert.Equal(package.Sha256, Convert.ToHexStringLower(SHA256.HashData(upload.Body)));
        Assert.Equal(package.Size, reported);
    }

    [Fact]
    public async Task Puts_each_endpoint_with_runpods_names_the_package_and_the_manifest_entry()
    {
        var endpoint = EndpointDeployments.For(Classify, package: new string('a', 64));

        var result = await Client().PutEndpointAsync(endpoint, CancellationToken.None);

        Assert.Equal((DeploymentResults.Created, (long?)1), (result.Result, result.Version));
        var put = Assert.Single(_gateway.Requests);
        Assert.Equal(("PUT", "/v1/endpoints/classify", $"Bearer {Key}"), (put.Method, put.Path, put.Authorization));
        var body = JsonDocument.Parse(put.Body).RootElement;
        Assert.Equal("classify", body.GetProperty("name").GetString());
        Assert.Equal("GPU", body.GetProperty("computeType").GetString());
        int Number(string name) => body.GetProperty(name).GetInt32();
        Assert.Equal((0, 3, 45), (Number("workersMin"), Number("workersMax"), Number("idleTimeout")));
        Assert.Equal(("REQUEST_COUNT", 2, 90_000), (body.GetProperty("scalerType").GetString(), body.GetProperty("scalerValue").GetInt32(),
            body.GetProperty("executionTimeoutMs").GetInt32()));
        Assert.Equal((2, 1024, true, 3), (body.GetProperty("maxAttempts").GetInt32(), body.GetProperty("minGpuMemoryMb").GetInt32(),
            body.GetProperty("cpuFallback").GetBoolean(), body.GetProperty("concurrencyPerWorker").GetInt32()));
        Assert.Equal("tiny", body.GetProperty("env").GetProperty("MODEL").GetString());
        Assert.Equal(new string('a', 64), body.GetProperty("package").GetString());
        Assert.Equal("Gpu", body.GetProperty("manifest").GetProperty("hardware").GetString());
        Assert.Equal("object", body.GetProperty("manifest").GetProperty("inputSchema").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("updated")]
    [InlineData("unchanged")]
    public async Task Says_what_the_gateway_did(string what)
    {
        _gateway.Answer = _ => (HttpStatusCode.OK, $$"""{"result": "{{what}}"}""");

        var result = await Client().PutEndpointAsync(EndpointDeployments.For(Classify, "b"), CancellationToken.None);

        Assert.Equal((what, (long?)null), (result.Result, result.Version));
    }

    [Fact]
    public async Task A_package_over_the_gateways_limit_is_refused_with_its_size()
    {
        _gateway.Answer = _ => (HttpStatusCode.RequestEntityTooLarge, """{"title": "package over 1 MB"}""");

        var package = Package(3 << 20);

        var error = await Assert.ThrowsAsync<DeployException>(() => Client().UploadAsync(package, _ => { }, CancellationToken.None));

        Assert.Contains("too large (413)", error.Message, StringComparison.Ordinal);
        Assert.Contains("3.0 MB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_without_admin_rights_is_named_as_the_reason()
    {
        _gateway.Answer = _ => (HttpStatusCode.Forbidden, "");

        var error = await Assert.ThrowsAsync<DeployException>(
            () => Client().PutEndpointAsync(EndpointDeployments.For(Classify, "c"), CancellationToken.None));

        Assert.Contains("admin API key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_without_a_result_is_an_error()
    {
        _gateway.Answer = _ => (HttpStatusCode.OK, """{"id": "classify"}""");

        var error = await Assert.ThrowsAsync<DeployException>(
            () => Client().PutEndpointAsync(EndpointDeployments.For(Classify, "d"), CancellationToken.None));

        Assert.Contains("without a result", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cpu_function_is_a_cpu_endpoint_described_without_gpu_fields()
    {
        var endpoint = EndpointDeployments.For(Classify with { Hardware = Hardware.Cpu, Env = new Dictionary<string, string>() }, "e");

        Assert.Equal(ComputeTypes.Cpu, endpoint.ComputeType);
        Assert.Equal("CPU, workers 0-3, idle 45 s, REQUEST_COUNT 2, timeout 90000 ms, 2 attempt(s), 3 per worker",
            EndpointDeployments.Describe(endpoint));
    }
}
