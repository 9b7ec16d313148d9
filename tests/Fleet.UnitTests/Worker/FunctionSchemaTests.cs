using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Worker.Sdk;

namespace Fleet.UnitTests.Worker;

/// <summary>The JSON schemas of a function's input and output in its manifest, DataAnnotations included.</summary>
public sealed class FunctionSchemaTests
{
    private static readonly JsonElement s_input = FunctionDeclaration.From(typeof(PlaceOrder)).ToManifest().InputSchema!.Value;
    private static readonly JsonElement s_output = FunctionDeclaration.From(typeof(PlaceOrder)).ToManifest().OutputSchema!.Value;

    private static JsonElement Property(JsonElement schema, string name) => schema.GetProperty("properties").GetProperty(name);

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void The_input_schema_is_draft_2020_12_and_refuses_unknown_fields_as_the_worker_does()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", s_input.GetProperty("$schema").GetString());
        Assert.False(s_input.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["customer", "quantity", "tags", "route", "note", "currency", "comment"],
            s_input.GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Required_makes_a_property_required_and_not_null()
    {
        Assert.Equal(["customer"], Strings(s_input.GetProperty("required")));
        Assert.Equal("string", Property(s_input, "customer").GetProperty("type").GetString());
        Assert.Equal("the customer's id", Property(s_input, "customer").GetProperty("description").GetString());
    }

    [Fact]
    public void Range_lengths_pattern_allowed_values_and_base64_become_keywords()
    {
        var (quantity, tags) = (Property(s_input, "quantity"), Property(s_input, "tags"));
        Assert.Equal((1, 100), (quantity.GetProperty("minimum").GetInt32(), quantity.GetProperty("maximum").GetInt32()));
        Assert.Equal((1, 3), (tags.GetProperty("minItems").GetInt32(), tags.GetProperty("maxItems").GetInt32()));
        Assert.Equal(2, Property(s_input, "note").GetProperty("maxLength").GetInt32());
        Assert.Equal("^[A-Z]{3}$", Property(s_input, "currency").GetProperty("pattern").GetString());
        Assert.Equal("base64", Property(s_input, "comment").GetProperty("contentEncoding").GetString());
        var route = Property(s_input, "route").GetProperty("enum");
        Assert.Equal(["\"air\"", "\"sea\"", "null"], route.EnumerateArray().Select(v => v.GetRawText()));
    }

    [Fact]
    public void Attributes_on_the_parameters_of_a_positional_record_count_too()
    {
        var schema = FunctionDeclaration.From(typeof(Move)).ToManifest().InputSchema!.Value;

        Assert.Equal(-1, Property(schema, "x").GetProperty("minimum").GetDouble());
        Assert.Equal(1, Property(schema, "x").GetProperty("maximum").GetDouble());
        // The worker reads with RespectRequiredConstructorParameters: both parameters must be given.
        Assert.Equal(["x", "y"], Strings(schema.GetProperty("required")).Order());
    }

    [Fact]
    public void The_output_schema_requires_only_what_is_always_written()
    {
        Assert.Equal(["id"], Strings(s_output.GetProperty("required")));
        Assert.Equal("number", Property(s_output, "total").GetProperty("type")[0].GetString());
        Assert.False(s_output.TryGetProperty("additionalProperties", out _));
    }

    internal sealed record Order
    {
        [Required]
        [Description("the customer's id")]
        public string? Customer { get; init; }

        [Range(1, 100)]
        public int Quantity { get; init; }

        [MinLength(1)]
        [MaxLength(3)]
        public string[] Tags { get; init; } = [];

        [AllowedValues("air", "sea")]
        public string? Route { get; init; }

        [StringLength(2)]
        public string? Note { get; init; }

        [RegularExpression("^[A-Z]{3}$")]
        public string Currency { get; init; } = "EUR";

        [Base64String]
        public string? Comment { get; init; }
    }

    internal sealed record Receipt(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("total")] double? Total,
        [property: JsonPropertyName("note")] string? Note);

    internal sealed record Point([Range(-1.0, 1.0)] double X, double Y);

    [FleetFunction("place-order")]
    private sealed class PlaceOrder : IJobHandler<Order, Receipt>
    {
        public Task<Receipt> HandleAsync(Order input, JobContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new Receipt("1", null, null));
    }

    [FleetFunction("move")]
    private sealed class Move : IJobHandler<Point, Point>
    {
        public Task<Point> HandleAsync(Point input, JobContext context, CancellationToken cancellationToken) => Task.FromResult(input);
    }
}
