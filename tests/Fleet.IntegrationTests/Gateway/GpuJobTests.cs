using System.Net.Http.Json;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>GPU endpoints end to end: gateway, RabbitMQ, the GPU worker process (on the CPU device here).</summary>
[Collection(FleetCollection.Name)]
public sealed class GpuJobTests(FleetFixture fleet)
{
    private async Task<JsonElement> RunSyncAsync(string endpoint, string body)
    {
        using var response = await fleet.Api.PostAsync($"v2/{endpoint}/runsync", FleetFixture.Json(body));
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.True(document.GetProperty("status").GetString() == "COMPLETED", document.ToString());
        return document;
    }

    [Fact]
    public async Task Matmul_job_returns_the_product_computed_by_the_ilgpu_kernel_on_the_gpu_worker()
    {
        var status = await RunSyncAsync("matmul", """{"input": {"a": [[1, 2, 3], [4, 5, 6]], "b": [[7, 8], [9, 10], [11, 12]]}}""");

        Assert.Equal("""{"c":[[58,64],[139,154]]}""", status.GetProperty("output").GetRawText());
        Assert.Equal(fleet.GpuWorkerId, status.GetProperty("workerId").GetString());
        Assert.Equal("cpu", status.GetProperty("device").GetString());
        Assert.Equal("gpu endpoint", status.GetProperty("routing").GetString());
    }

    [Fact]
    public async Task Vector_jobs_return_dot_sum_and_saxpy()
    {
        var dot = await RunSyncAsync("vector", """{"input": {"op": "dot", "x": [1, 2, 3], "y": [4, 5, 6]}}""");
        var sum = await RunSyncAsync("vector", """{"input": {"op": "sum", "x": [0.5, 1.5, 2, 4]}}""");
        var saxpy = await RunSyncAsync("vector", """{"input": {"op": "saxpy", "a": 2, "x": [1, 2, 3], "y": [10, 20, 30]}}""");

        Assert.Equal(32f, dot.GetProperty("output").GetProperty("result").GetSingle());
        Assert.Equal(8f, sum.GetProperty("output").GetProperty("result").GetSingle());
        Assert.Equal([12f, 24f, 36f], saxpy.GetProperty("output").GetProperty("y").EnumerateArray().Select(v => v.GetSingle()));
    }

    [Fact]
    public async Task Mlp_job_returns_one_output_row_per_input_row_and_the_same_outputs_twice()
    {
        var rows = string.Join(", ", Enumerable.Range(0, 3).Select(r => "[" + string.Join(", ", Enumerable.Range(0, 64).Select(i => ((r + 1) * 0.01 * (i % 7)).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture))) + "]"));
        var body = $$$"""{"input": {"inputs": [{{{rows}}}]}}""";

        var first = await RunSyncAsync("mlp", body);
        var second = await RunSyncAsync("mlp", body);

        var outputs = first.GetProperty("output").GetProperty("outputs");
        Assert.Equal(3, outputs.GetArrayLength());
        Assert.All(outputs.EnumerateArray(), row => Assert.Equal(16, row.GetArrayLength()));
        Assert.All(outputs.EnumerateArray().SelectMany(r => r.EnumerateArray()), v => Assert.True(float.IsFinite(v.GetSingle())));
        // Agreeing to float rounding: libtorch's CPU kernels may sum in another order from call to call.
        var again = second.GetProperty("output").GetProperty("outputs").EnumerateArray().SelectMany(r => r.EnumerateArray()).ToArray();
        var once = outputs.EnumerateArray().SelectMany(r => r.EnumerateArray()).ToArray();
        Assert.All(once.Zip(again), pair => Assert.True(
            Math.Abs(pair.First.GetSingle() - pair.Second.GetSingle()) <= 1e-5 * (1 + Math.Abs(pair.First.GetSingle())), $"{pair.First} vs {pair.Second}"));
        Assert.Equal("cpu", first.GetProperty("device").GetString());
    }

    [Fact]
    public async Task A_gpu_input_of_the_wrong_shape_is_a_400_naming_the_field()
    {
        using var response = await fleet.Api.PostAsync("v2/matmul/run", FleetFixture.Json("""{"input": {"a": "not a matrix"}}"""));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(400, (int)response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("input.a", out _), problem.ToString());
    }

    [Fact]
    public async Task A_job_needing_more_gpu_memory_than_any_worker_reports_runs_on_the_cpu_fallback_worker()
    {
        var status = await RunSyncAsync("mlp", """{"input": {"inputs": [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]]}, "policy": {"preferGpu": true, "minGpuMemoryMb": 2048}}""");

        Assert.Equal(fleet.FallbackWorkerId, status.GetProperty("workerId").GetString());
        Assert.Equal("cpu", status.GetProperty("device").GetString());
        Assert.Equal("cpu fallback: no GPU worker with 2048 MB free", status.GetProperty("routing").GetString());
    }

    [Fact]
    public async Task Without_fallback_the_job_waits_with_its_reason_and_runs_once_a_worker_reports_enough_memory()
    {
        var id = await fleet.SubmitAsync("vector", """{"input": {"op": "dot", "x": [1, 1], "y": [2, 3]}, "policy": {"minGpuMemoryMb": 2048}}""");

        await Task.Delay(TimeSpan.FromSeconds(3));
        var waiting = await fleet.StatusAsync("vector", id);
        Assert.Equal("IN_QUEUE", waiting.GetProperty("status").GetString());
        Assert.Equal("no GPU worker with 2048 MB free", waiting.GetProperty("routing").GetString());

        // A worker whose device reports 4 GB free (advertised, since this machine has no GPU).
        var bigWorkerId = fleet.GpuWorkerId + "-4gb";
        using var big = fleet.StartGpuWorker(bigWorkerId, ("Gpu__AdvertisedMemoryMb", "4096"));
        try
        {
            var done = await fleet.WaitForStatusAsync("vector", id, "COMPLETED", TimeSpan.FromSeconds(90));

            Assert.Equal(5f, done.GetProperty("output").GetProperty("result").GetSingle());
            Assert.StartsWith($"gpu: worker {bigWorkerId} reports 4096 MB free", done.GetProperty("routing").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            big.Stop(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task Admin_route_lists_workers_with_device_memory_and_current_jobs()
    {
        using var response = await fleet.Api.GetAsync("admin/workers");
        var workers = await response.Content.ReadFromJsonAsync<JsonElement>();

        var gpu = workers.EnumerateArray().Single(w => w.GetProperty("workerId").GetString() == fleet.GpuWorkerId);
        Assert.Equal("cpu", gpu.GetProperty("device").GetString());
        Assert.Equal("Gpu", gpu.GetProperty("hardware").GetString());
        Assert.Equal(JsonValueKind.Array, gpu.GetProperty("runningJobs").ValueKind);
        Assert.True(gpu.TryGetProperty("gpuMemoryFreeMb", out _));
    }
}
