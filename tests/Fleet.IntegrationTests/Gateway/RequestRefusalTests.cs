using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

[Collection(FleetCollection.Name)]
public sealed class RequestRefusalTests(FleetFixture fleet)
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-the-key")]
    [InlineData("not-the-key")]
    public async Task A_call_without_a_valid_key_gets_401_and_persists_nothing(string? authorization)
    {
        var before = await fleet.CountRowsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/echo/run") { Content = FleetFixture.Json("""{"input": {"echo": 1}}""") };
        request.Headers.Authorization = null;
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var client = new HttpClient { BaseAddress = fleet.Api.BaseAddress };
        using var response = await client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        await fleet.AssertNothingPersistedSinceAsync(before);
    }

    [Fact]
    public async Task The_raw_key_form_of_runpods_curl_examples_is_accepted()
    {
        using var client = new HttpClient { BaseAddress = fleet.Api.BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", FleetFixture.ApiKey);

        using var response = await client.GetAsync("v2/echo/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("v2/echo/run", """{"input": {"echo": 1}""", "body")]
    [InlineData("v2/echo/run", "", "body")]
    [InlineData("v2/echo/run", """{"inputs": {"echo": 1}}""", "input")]
    [InlineData("v2/echo/runsync", """{"policy": {}}""", "input")]
    [InlineData("v2/echo/run", """{"input": {"sleep_s": "long"}}""", "input.sleep_s")]
    [InlineData("v2/echo/run", """{"input": {"echo": 1}, "policy": {"ttl": 5}}""", "policy.ttl")]
    [InlineData("v2/echo/runsync?wait=10", """{"input": {"echo": 1}}""", "wait")]
    public async Task Bad_input_gets_400_naming_the_field_and_persists_nothing(string route, string body, string field)
    {
        var before = await fleet.CountRowsAsync();

        using var response = await fleet.Api.PostAsync(route, FleetFixture.Json(body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        await fleet.AssertNothingPersistedSinceAsync(before);
    }

    [Theory]
    [InlineData("POST", "v2/no-such-endpoint/run")]
    [InlineData("GET", "v2/no-such-endpoint/status/01a203f8-939d-7355-8c33-cbedfe1ebe41")]
    [InlineData("GET", "v2/echo/status/01a203f8-939d-7355-8c33-cbedfe1ebe41")]
    [InlineData("GET", "v2/echo/status/not-a-job-id")]
    [InlineData("GET", "v2/no-such-endpoint/health")]
    [InlineData("POST", "v2/no-such-endpoint/purge-queue")]
    [InlineData("GET", "v2/echo/no-such-route")]
    [InlineData("POST", "v2/echo/run/")]
    public async Task Unknown_endpoint_job_or_route_gets_404_and_persists_nothing(string method, string route)
    {
        var before = await fleet.CountRowsAsync();

        using var response = await fleet.Api.SendAsync(new HttpRequestMessage(new HttpMethod(method), route)
        {
            Content = FleetFixture.Json("""{"input": {"echo": 1}}"""),
        });

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
        await fleet.AssertNothingPersistedSinceAsync(before);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
