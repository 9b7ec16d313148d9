using System.Text.Json;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Storage;

namespace Fleet.UnitTests.Gateway;

public sealed class JobStatusDocumentTests
{
    private static readonly DateTimeOffset s_created = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static JobStatusRow Job(JobStatus status) => new()
    {
        Id = Guid.Parse("01a203f8-939d-7355-8c33-cbedfe1ebe41"),
        EndpointId = "echo",
        Status = status,
        Queue = "fleet.jobs.cpu.echo",
        Routing = "cpu endpoint",
        Attempt = 1,
        CreatedAt = s_created,
    };

    [Fact]
    public void Completed_job_reports_queue_and_run_time_in_whole_milliseconds()
    {
        var job = Job(JobStatus.Completed);
        job.StartedAt = s_created.AddMilliseconds(812.7);
        job.FinishedAt = s_created.AddMilliseconds(812.7 + 3391.2);
        job.Output = """{"echo": 1}"""u8.ToArray();
        job.WorkerId = "cpu-1";
        job.Device = "cpu";

        var document = JobStatusMapper.ToDocument(job, s_created.AddHours(1));

        Assert.Equal(812, document.DelayTime);
        Assert.Equal(3391, document.ExecutionTime);
        Assert.Equal("COMPLETED", document.Status);
        Assert.Equal(1, document.Output!.ToElement().GetProperty("echo").GetInt32());
    }

    [Fact]
    public void Queued_job_reports_its_wait_so_far_and_no_execution()
    {
        var document = JobStatusMapper.ToDocument(Job(JobStatus.InQueue), s_created.AddMilliseconds(250));

        Assert.Equal(250, document.DelayTime);
        Assert.Equal(0, document.ExecutionTime);
        Assert.Null(document.Output);
    }

    [Fact]
    public void Serializes_as_api_md_shows_upper_case_status_camel_case_fields_integer_times()
    {
        var job = Job(JobStatus.Failed);
        job.StartedAt = s_created.AddMilliseconds(5);
        job.FinishedAt = s_created.AddMilliseconds(15);
        job.Error = "boom";

        var json = JsonSerializer.Serialize(JobStatusMapper.ToDocument(job, s_created));
        using var parsed = JsonDocument.Parse(json);
        var root = parsed.RootElement;

        Assert.Equal(
            ["attempts", "delayTime", "device", "endpointVersion", "error", "executionTime", "id", "output", "progress", "routing", "status", "workerId"],
            root.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("FAILED", root.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("delayTime").ValueKind);
        Assert.Equal("5", root.GetProperty("delayTime").GetRawText());
        Assert.Equal("10", root.GetProperty("executionTime").GetRawText());
        Assert.Equal("boom", root.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("output").ValueKind);
    }

    [Theory]
    [InlineData(JobStatus.InQueue, "IN_QUEUE", false)]
    [InlineData(JobStatus.InProgress, "IN_PROGRESS", false)]
    [InlineData(JobStatus.Completed, "COMPLETED", true)]
    [InlineData(JobStatus.Failed, "FAILED", true)]
    [InlineData(JobStatus.Cancelled, "CANCELLED", true)]
    [InlineData(JobStatus.TimedOut, "TIMED_OUT", true)]
    public void Status_names_round_trip_and_know_which_are_final(JobStatus status, string wire, bool final)
    {
        Assert.Equal(wire, JobStatusWire.ToWire(status));
        Assert.Equal(status, JobStatusWire.Parse(wire));
        Assert.Equal(final, JobStatusWire.IsFinal(status));
    }

    [Fact]
    public void Unknown_status_name_is_refused()
    {
        Assert.Throws<FormatException>(() => JobStatusWire.Parse("DONE"));
    }
}
