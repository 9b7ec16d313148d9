using Fleet.Contracts.Jobs.Mlp;
using Fleet.Gpu.Tests.Support;
using Fleet.Worker.Gpu;
using Fleet.Worker.Gpu.Handlers;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.Options;
using Xunit;

namespace Fleet.Gpu.Tests.Handlers;

public sealed class MlpHandlerTests
{
    [Fact]
    public async Task Returns_one_output_row_per_input_row()
    {
        float[][] inputs = [.. Enumerable.Range(0, 3).Select(i => Reference.RandomFloats(64, seed: i))];

        var output = await Handle(new MlpInput { Inputs = inputs });

        Assert.Equal(3, output.Outputs.Length);
        Assert.All(output.Outputs, row => Assert.Equal(16, row.Length));
        Reference.AssertClose(TestModels.Cpu.Infer(inputs.SelectMany(r => r).ToArray(), 3), output.Outputs.SelectMany(r => r), "handler outputs");
    }

    [Fact]
    public async Task Base64_rows_give_the_same_outputs_as_json_rows()
    {
        var flat = Reference.RandomFloats(2 * 64, seed: 4);
        float[][] rows = [flat[..64], flat[64..]];

        var fromJson = await Handle(new MlpInput { Inputs = rows });
        var fromBase64 = await Handle(new MlpInput { InputsBase64 = Jobs.Base64(flat) });

        Reference.AssertClose(fromJson.Outputs.SelectMany(r => r), fromBase64.Outputs.SelectMany(r => r), "base64 rows against json rows");
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Refuses_input_that_cannot_succeed(string because, MlpInput input, string message)
    {
        var error = await Assert.ThrowsAsync<PermanentJobException>(() => Handle(input));

        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{because}: '{error.Message}' should mention '{message}'");
    }

    public static TheoryData<string, MlpInput, string> BadInputs() => new()
    {
        { "rows of the wrong width", new MlpInput { Inputs = [new float[63]] }, "must have 64 values, the model's input width; inputs[0] has 63" },
        { "ragged rows", new MlpInput { Inputs = [new float[64], new float[65]] }, "inputs is ragged: inputs[1] has 65 values" },
        { "base64 not whole rows", new MlpInput { InputsBase64 = Jobs.Base64(new float[100]) }, "inputs_b64 holds 100 values, not a whole number of rows of 64" },
        { "no rows", new MlpInput { Inputs = [] }, "inputs must have at least one row" },
        { "nothing", new MlpInput(), "inputs (batch × 64) or inputs_b64 is required" },
        { "both forms", new MlpInput { Inputs = [new float[64]], InputsBase64 = Jobs.Base64(new float[64]) }, "not both" },
        { "over the batch limit", new MlpInput { Inputs = [.. Enumerable.Repeat(new float[64], 5)] }, "at most 4 (Gpu:MlpMaxBatch)" },
    };

    private static Task<MlpOutput> Handle(MlpInput input) =>
        new MlpHandler(TestModels.Cpu, Options.Create(new GpuOptions { MlpMaxBatch = 4 }))
            .HandleAsync(input, Jobs.Context(), CancellationToken.None);
}
