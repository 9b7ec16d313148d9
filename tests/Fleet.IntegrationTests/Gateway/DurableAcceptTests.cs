using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>An accepted job reaches its worker whatever happens to the broker or the gateway meanwhile.</summary>
[Collection(FleetCollection.Name)]
public sealed class DurableAcceptTests(FleetFixture fleet)
{
    private static readonly TimeSpan s_recovery = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_job_accepted_while_rabbitmq_is_stopped_completes_after_it_is_back()
    {
        TestServers.StopRabbitMq();
        string id;
        try
        {
            id = await fleet.SubmitAsync("echo", """{"input": {"echo": "outlived the broker"}}""");
            await Task.Delay(500);
            Assert.Equal("IN_QUEUE", (await fleet.StatusAsync("echo", id)).GetProperty("status").GetString());
        }
        finally
        {
            TestServers.StartRabbitMq();
        }

        var status = await fleet.WaitForStatusAsync("echo", id, "COMPLETED", s_recovery);
        Assert.Equal("""{"echo":"outlived the broker"}""", status.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task A_job_whose_message_was_not_yet_sent_when_the_gateway_died_completes_after_restart()
    {
        // With the broker down the message can only be in the outbox; then the gateway is killed.
        TestServers.StopRabbitMq();
        string id;
        try
        {
            id = await fleet.SubmitAsync("echo", """{"input": {"echo": "outlived the gateway"}}""");
            Assert.True((await fleet.CountRowsAsync()).Outbox >= 1);
            fleet.Gateway.Kill();
        }
        finally
        {
            TestServers.StartRabbitMq();
        }

        await fleet.StartGatewayAsync();

        var status = await fleet.WaitForStatusAsync("echo", id, "COMPLETED", s_recovery);
        Assert.Equal("""{"echo":"outlived the gateway"}""", status.GetProperty("output").GetRawText());
        await Eventually.True(async () => (await fleet.CountRowsAsync()).Outbox == 0, TimeSpan.FromSeconds(30), () => fleet.Gateway.Tail());
    }
}
