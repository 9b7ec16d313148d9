using System.Text.Json;
using Fleet.Gateway.Admission;
using Fleet.Gateway.Jobs;

namespace Fleet.UnitTests.Gateway;

public sealed class SubmissionValidatorTests
{
    private readonly SubmissionValidator _validator = new(new HandlerInputCatalog());

    private (JobSubmission? Submission, Dictionary<string, string[]> Errors) Validate(string body, string handler = "echo")
    {
        var errors = new Dictionary<string, string[]>();
        var submission = _validator.Validate(System.Text.Encoding.UTF8.GetBytes(body), handler, null, errors);
        return (submission, errors);
    }

    [Fact]
    public void Accepts_an_echo_job_with_webhook_and_policy()
    {
        var (submission, errors) = Validate("""
            {"input": {"echo": {"a": [1, 2]}, "sleep_s": 0.5},
             "webhook": "https://example.org/hook",
             "policy": {"executionTimeout": 60000, "ttl": 86400000, "lowPriority": true}}
            """);

        Assert.Empty(errors);
        Assert.NotNull(submission);
        Assert.Equal("https://example.org/hook", submission.Webhook);
        Assert.Equal(new JobPolicy(60000, 86400000, true, null, null), submission.Policy);
        Assert.Equal(0.5, JsonDocument.Parse(submission.Input).RootElement.GetProperty("sleep_s").GetDouble());
    }

    [Theory]
    [InlineData("""{"inpt": {}}""", "input")]
    [InlineData("""{"input": null}""", "input")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("""{"input": {"sleep_s": "soon"}}""", "input.sleep_s")]
    [InlineData("""{"input": {"sleep_s": -1}}""", "input.sleep_s")]
    [InlineData("""{"input": {"ech": 1}}""", "input.ech")]
    [InlineData("""{"input": {"fail": 3}}""", "input.fail")]
    [InlineData("""{"input": {"stream": "abc"}}""", "input.stream")]
    [InlineData("""{"input": "text"}""", "input")]
    [InlineData("""{"input": {}, "webhook": "ftp://example.org"}""", "webhook")]
    [InlineData("""{"input": {}, "webhook": "not a url"}""", "webhook")]
    [InlineData("""{"input": {}, "policy": {"executionTimeout": 5000}}""", "policy.executionTimeout")]
    [InlineData("""{"input": {}, "policy": {"executionTimeout": 1.5}}""", "policy.executionTimeout")]
    [InlineData("""{"input": {}, "policy": {"ttl": 9999}}""", "policy.ttl")]
    [InlineData("""{"input": {}, "policy": {"ttl": 604800001}}""", "policy.ttl")]
    [InlineData("""{"input": {}, "policy": {"lowPriority": "yes"}}""", "policy.lowPriority")]
    [InlineData("""{"input": {}, "policy": {"retries": 3}}""", "policy.retries")]
    [InlineData("""{"input": {}, "policy": 7}""", "policy")]
    public void Names_the_field_at_fault(string body, string field)
    {
        var (submission, errors) = Validate(body);

        Assert.Null(submission);
        Assert.Equal([field], errors.Keys);
        Assert.All(errors[field], message => Assert.DoesNotContain("System.", message, StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_every_wrong_field_at_once()
    {
        var (_, errors) = Validate("""{"input": {"sleep_s": -2}, "webhook": 5, "policy": {"ttl": 1}}""");

        Assert.Equal(["input.sleep_s", "policy.ttl", "webhook"], errors.Keys.Order());
    }

    [Fact]
    public void Accepts_any_json_input_for_a_handler_without_a_published_input_type()
    {
        var (submission, errors) = Validate("""{"input": [1, "two"]}""", handler: "custom-handler");

        Assert.Empty(errors);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(submission!.Input).RootElement.ValueKind);
    }

    private static readonly Json.Schema.JsonSchema s_functionSchema = Json.Schema.JsonSchema.FromText("""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
         "properties": {
           "rows": {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "number", "minimum": 0}},
                    "required": ["x"], "additionalProperties": false}},
           "label": {"type": ["string", "null"], "maxLength": 5}},
         "required": ["rows"], "additionalProperties": false}
        """);

    [Theory]
    [InlineData("""{"input": {"label": "a"}}""", "input")]
    [InlineData("""{"input": {"rows": [{"x": 1}, {"x": -1}]}}""", "input.rows[1].x")]
    [InlineData("""{"input": {"rows": [{"x": "one"}]}}""", "input.rows[0].x")]
    [InlineData("""{"input": {"rows": [], "label": "too long"}}""", "input.label")]
    [InlineData("""{"input": {"rows": [], "extra": 1}}""", "input.extra")]
    [InlineData("""{"input": [1]}""", "input")]
    public void A_deployed_functions_input_is_checked_against_its_schema_naming_the_field(string body, string field)
    {
        var errors = new Dictionary<string, string[]>();

        var submission = _validator.Validate(System.Text.Encoding.UTF8.GetBytes(body), "summarize", s_functionSchema, errors);

        Assert.Null(submission);
        Assert.True(errors.ContainsKey(field), string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
    }

    [Fact]
    public void A_deployed_functions_valid_input_passes_its_schema()
    {
        var errors = new Dictionary<string, string[]>();

        var submission = _validator.Validate("""{"input": {"rows": [{"x": 0}, {"x": 2.5}], "label": null}}"""u8.ToArray(), "summarize",
            s_functionSchema, errors);

        Assert.Empty(errors);
        Assert.NotNull(submission);
    }
}
