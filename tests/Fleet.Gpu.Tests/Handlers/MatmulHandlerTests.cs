using Fleet.Contracts.Jobs.Matmul;
using Fleet.Gpu.Tests.Support;
using Fleet.Worker.Gpu;
using Fleet.Worker.Gpu.Handlers;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.Options;
using Xunit;

namespace Fleet.Gpu.Tests.Handlers;

/// <summary>The handler on the CPU accelerator: what a CPU worker, or a GPU worker without a GPU, runs.</summary>
public sealed class MatmulHandlerTests
{
    private static readonly float[][] s_a = [[1, 2], [3, 4], [5, 6]];
    private static readonly float[][] s_b = [[7, 8, 9], [10, 11, 12]];
    private static readonly float[][] s_expected = [[27, 30, 33], [61, 68, 75], [95, 106, 117]];

    [Fact]
    public async Task Multiplies_json_rows()
    {
        var output = await Handle(new MatmulInput { A = s_a, B = s_b });

        Assert.Equal(s_expected, output.C);
    }

    [Fact]
    public async Task Multiplies_base64_float32_operands_with_their_shapes()
    {
        var input = new MatmulInput
        {
            ABase64 = Jobs.Base64(1, 2, 3, 4, 5, 6),
            AShape = [3, 2],
            BBase64 = Jobs.Base64(7, 8, 9, 10, 11, 12),
            BShape = [2, 3],
        };

        var output = await Handle(input);

        Assert.Equal(s_expected, output.C);
    }

    [Fact]
    public async Task Mixes_a_json_operand_with_a_base64_one()
    {
        var output = await Handle(new MatmulInput { A = s_a, BBase64 = Jobs.Base64(7, 8, 9, 10, 11, 12), BShape = [2, 3] });

        Assert.Equal(s_expected, output.C);
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Refuses_input_that_cannot_succeed(string because, MatmulInput input, string message)
    {
        var error = await Assert.ThrowsAsync<PermanentJobException>(() => Handle(input));

        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{because}: '{error.Message}' should mention '{message}'");
    }

    public static TheoryData<string, MatmulInput, string> BadInputs() => new()
    {
        { "ragged rows", new MatmulInput { A = [[1, 2], [3]], B = s_b }, "a is ragged: a[1] has 1 values" },
        { "a null row", new MatmulInput { A = [[1, 2], null!], B = s_b }, "a is ragged" },
        { "inner dimensions differ", new MatmulInput { A = s_a, B = [[1, 2]] }, "a's columns (2) must equal b's rows (1)" },
        { "a missing", new MatmulInput { B = s_b }, "a is required" },
        { "a given twice", new MatmulInput { A = s_a, ABase64 = Jobs.Base64(1, 2), AShape = [1, 2], B = s_b }, "not both" },
        { "base64 without a shape", new MatmulInput { A = s_a, BBase64 = Jobs.Base64(1, 2) }, "b is required" },
        { "shape not matching the values", new MatmulInput { A = s_a, BBase64 = Jobs.Base64(1, 2, 3), BShape = [2, 3] }, "b_b64 holds 3 values; b_shape [2, 3] needs 6" },
        { "bytes not whole floats", new MatmulInput { A = s_a, BBase64 = Convert.ToBase64String(new byte[7]), BShape = [1, 1] }, "b_b64 holds 7 bytes" },
        { "not base64", new MatmulInput { A = s_a, BBase64 = "not base64!", BShape = [1, 1] }, "b_b64 is not valid base64" },
        { "a NaN", new MatmulInput { A = s_a, BBase64 = Jobs.Base64(float.NaN), BShape = [1, 1] }, "b_b64[0] is NaN" },
        { "over the size limit", new MatmulInput { A = [new float[9]], B = [.. Enumerable.Repeat(new float[1], 9)] }, "at most 8 rows and columns (Gpu:MatmulMaxDim)" },
        { "a result past float32", new MatmulInput { A = [[3e38f, 3e38f]], B = [[1], [1]] }, "the result overflows float32" },
    };

    private static Task<MatmulOutput> Handle(MatmulInput input) =>
        new MatmulHandler(Accelerators.Matmul(Accelerators.Cpu), Options.Create(new GpuOptions { MatmulMaxDim = 8 }))
            .HandleAsync(input, Jobs.Context(), CancellationToken.None);
}
