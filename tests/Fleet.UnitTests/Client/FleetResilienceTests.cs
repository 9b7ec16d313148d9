using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fleet.Client;
using Fleet.Client.Http;

namespace Fleet.UnitTests.Client;

public sealed class FleetResilienceTests
{
    private static HttpResponseMessage TooMany(RetryConditionHeaderValue? retryAfter)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = retryAfter;
        return response;
    }

    [Theory]
    [InlineData(0.0, 4000)]
    [InlineData(0.5, 4500)]
    [InlineData(0.999, 4999)]
    public void Retry_after_is_waited_and_stretched_by_at_most_a_quarter(double random, int expectedMs)
    {
        using var response = TooMany(new RetryConditionHeaderValue(TimeSpan.FromSeconds(4)));

        var delay = FleetResilience.DelayFor(response, random);

        Assert.Equal(expectedMs, (int)delay!.Value.TotalMilliseconds);
    }

    [Fact]
    public void A_retry_after_date_in_the_past_means_at_once()
    {
        using var response = TooMany(new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddMinutes(-1)));

        Assert.Equal(TimeSpan.Zero, FleetResilience.DelayFor(response, 0.5));
    }

    [Fact]
    public void Without_retry_after_the_exponential_backoff_decides()
    {
        using var response = TooMany(null);

        Assert.Null(FleetResilience.DelayFor(response, 0.5));
        Assert.Null(FleetResilience.DelayFor(null, 0.5));
    }

    [Fact]
    public void A_submission_writes_policy_in_milliseconds_and_its_key_only_as_a_batch_item()
    {
        var request = new JobRequest("""{"x":1}"""u8.ToArray(), new FleetRunOptions
        {
            ExecutionTimeout = TimeSpan.FromSeconds(30), Ttl = TimeSpan.FromMinutes(1), LowPriority = true,
            Webhook = new Uri("https://example.org/hook"),
        }, "k-1");

        string Written(bool withKey)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                request.Write(writer, withKey);
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }

        Assert.Equal(
            """{"input":{"x":1},"webhook":"https://example.org/hook","policy":{"executionTimeout":30000,"ttl":60000,"lowPriority":true}}""",
            Written(withKey: false));
        Assert.EndsWith(""","idempotencyKey":"k-1"}""", Written(withKey: true), StringComparison.Ordinal);
    }
}
