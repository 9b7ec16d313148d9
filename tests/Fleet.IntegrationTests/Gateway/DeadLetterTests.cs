using System.Net;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>Jobs that ended FAILED or TIMED_OUT stay inspectable, page by page, and can be re-driven.</summary>
[Collection(FleetCollection.Name)]
public sealed class DeadLetterTests(FleetFixture fleet)
{
    private const string Endpoint = FleetFixture.DeadLetterEndpoint;

    private async Task<JsonElement> GetAsync(string route)
    {
        using var response = await fleet.Api.GetAsync(route);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    [Fact]
    public async Task Failed_jobs_are_listed_newest_first_page_by_page_and_can_be_redriven()
    {
        var ids = new List<string>();
        foreach (var n in new[] { 1, 2, 3 })
        {
            var id = await fleet.SubmitAsync(Endpoint, $$$"""{"input": {"fail": "failure {{{n}}}"}}""");
            await fleet.WaitForStatusAsync(Endpoint, id, "FAILED", TimeSpan.FromSeconds(30));
            ids.Add(id);
        }

        var first = await GetAsync($"v2/{Endpoint}/jobs?limit=2");
        var second = await GetAsync($"v2/{Endpoint}/jobs?limit=2&before={first.GetProperty("next").GetString()}");

        Assert.Equal([ids[2], ids[1]], first.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.Equal([ids[0]], second.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        Assert.Equal("failure 1", second.GetProperty("jobs")[0].GetProperty("error").GetString());

        using var redrive = await fleet.Api.PostAsync($"v2/{Endpoint}/redrive", FleetFixture.Json(""));
        var redriven = JsonDocument.Parse(await redrive.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(3, redriven.GetProperty("retried").GetInt32());
        foreach (var id in ids)
        {
            await Eventually.True(async () =>
            {
                var status = await fleet.StatusAsync(Endpoint, id);
                return status.GetProperty("attempts").GetInt32() == 2 && status.GetProperty("status").GetString() == "FAILED";
            }, TimeSpan.FromSeconds(30), () => fleet.Worker.Tail());
        }
    }

    [Theory]
    [InlineData("status=COMPLETED", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("before=page-2", "before")]
    public async Task A_bad_filter_is_a_400_naming_it(string query, string field)
    {
        using var response = await fleet.Api.GetAsync($"v2/{Endpoint}/jobs?{query}");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
