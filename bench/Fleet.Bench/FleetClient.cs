using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Fleet.Bench;

/// <summary>The gateway's /v2 job routes for one endpoint, over one pooled HttpClient.</summary>
public sealed class FleetClient(BenchOptions options) : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private readonly HttpClient _http = CreateHttp(options);
    private readonly string _prefix = $"v2/{Uri.EscapeDataString(options.Endpoint)}/";

    // Built once and shared by every request: the input never changes during a run.
    private readonly byte[] _body = Encoding.UTF8.GetBytes($$"""{"input":{{options.Input}}}""");

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>Fails fast, before any load, when the gateway is down, the key is refused or the endpoint is unknown.</summary>
    /// <exception cref="FatalBenchException">The bench cannot run against this gateway.</exception>
    public async Task CheckAsync(CancellationToken ct)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(ct);
        probe.CancelAfter(TimeSpan.FromSeconds(10));
        ApiResult result;
        try
        {
            result = await SendAsync(HttpMethod.Get, _prefix + "health", withBody: false, probe.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new FatalBenchException($"gateway at {BaseAddress} did not answer GET {_prefix}health within 10 s");
        }

        if (result.Code == 0)
        {
            throw new FatalBenchException($"gateway at {BaseAddress} is not usable: {result.Describe()}");
        }

        if (result.Code == 404)
        {
            throw new FatalBenchException($"gateway at {BaseAddress} answered 404 for {_prefix}health: unknown endpoint '{options.Endpoint}'?");
        }

        if (result.Code is < 200 or >= 300)
        {
            // Health is advisory: a gateway that answers and accepts the key may still run jobs.
            Console.Error.WriteLine($"fleet-bench: warning: GET {_prefix}health answered HTTP {result.Code}; continuing");
        }
    }

    public Task<ApiResult> SubmitAsync(CancellationToken ct) => SendAsync(HttpMethod.Post, _prefix + "run", withBody: true, ct);

    public Task<ApiResult> StatusAsync(string jobId, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, string.Concat(_prefix, "status/", jobId), withBody: false, ct);

    public Task<ApiResult> RunSyncAsync(CancellationToken ct) => SendAsync(HttpMethod.Post, _prefix + "runsync", withBody: true, ct);

    public void Dispose() => _http.Dispose();

    private static HttpClient CreateHttp(BenchOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // Submitters and pollers each hold at most one request; a little headroom avoids queueing inside the handler.
            MaxConnectionsPerServer = options.Concurrency + options.EffectivePollers + 4,
            // Reconnecting mid-run would show up as latency spikes that are the bench's, not the gateway's.
            PooledConnectionLifetime = TimeSpan.FromHours(1),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        var http = new HttpClient(handler) { BaseAddress = options.Url, Timeout = Timeout.InfiniteTimeSpan };

        // The overall deadline bounds every request; a per-request timeout would cut runsync waits short.
        if (!string.IsNullOrEmpty(options.Key))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Key);
        }

        return http;
    }

    private async Task<ApiResult> SendAsync(HttpMethod method, string path, bool withBody, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (withBody)
        {
            request.Content = new ByteArrayContent(_body) { Headers = { ContentType = JsonType } };
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new FatalBenchException($"gateway unreachable at {BaseAddress}: {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            return new ApiResult(0, null, default, $"transport error: {ex.HttpRequestError}");
        }

        using (response)
        {
            var code = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new FatalBenchException(string.IsNullOrEmpty(options.Key)
                    ? $"gateway answered {code}: no API key given (use --key or FLEET_API_KEY)"
                    : $"gateway answered {code}: API key refused (check --key or FLEET_API_KEY)");
            }

            if (!response.IsSuccessStatusCode)
            {
                return new ApiResult(code, null, RetryAfter(response), $"HTTP {code} on {method} {path}");
            }

            try
            {
                var job = await response.Content.ReadFromJsonAsync(BenchJsonContext.Default.JobStatus, ct);
                return new ApiResult(code, job, default, job is null ? $"empty body on {method} {path}" : null);
            }
            catch (JsonException ex)
            {
                return new ApiResult(code, null, default, $"bad JSON on {method} {path}: {ex.Message}");
            }
            catch (HttpRequestException ex)
            {
                return new ApiResult(0, null, default, $"transport error reading body: {ex.HttpRequestError}");
            }
        }
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
}
