using Fleet.Contracts.Jobs.Vector;
using Fleet.Gpu.Tests.Support;
using Fleet.Worker.Gpu;
using Fleet.Worker.Gpu.Handlers;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.Options;
using Xunit;

namespace Fleet.Gpu.Tests.Handlers;

public sealed class VectorHandlerTests
{
    [Fact]
    public async Task Saxpy_returns_y()
    {
        var output = await Handle(new VectorInput { Op = "saxpy", A = 2, X = [1, 2, 3], Y = [10, 20, 30] });

        Assert.NotNull(output.Y);
        Assert.Equal([12f, 24f, 36f], output.Y);
        Assert.Null(output.Result);
    }

    [Fact]
    public async Task Dot_returns_the_result()
    {
        var output = await Handle(new VectorInput { Op = "dot", X = [1, 2, 3], Y = [4, 5, 6] });

        Assert.Equal(32f, output.Result);
        Assert.Null(output.Y);
    }

    [Fact]
    public async Task Sum_reads_base64_float32()
    {
        var output = await Handle(new VectorInput { Op = "sum", XBase64 = Jobs.Base64(0.5f, 1.5f, 2f) });

        Assert.Equal(4f, output.Result);
    }

    [Fact]
    public async Task Saxpy_mixes_json_and_base64_vectors()
    {
        var output = await Handle(new VectorInput { Op = "saxpy", A = -1, XBase64 = Jobs.Base64(1, 2), Y = [5, 5] });

        Assert.NotNull(output.Y);
        Assert.Equal([4f, 3f], output.Y);
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Refuses_input_that_cannot_succeed(string because, VectorInput input, string message)
    {
        var error = await Assert.ThrowsAsync<PermanentJobException>(() => Handle(input));

        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{because}: '{error.Message}' should mention '{message}'");
    }

    public static TheoryData<string, VectorInput, string> BadInputs() => new()
    {
        { "lengths differ", new VectorInput { Op = "dot", X = [1, 2], Y = [1] }, "x has 2 values and y has 1" },
        { "unknown op", new VectorInput { Op = "max", X = [1] }, "op 'max' is unknown" },
        { "saxpy without a", new VectorInput { Op = "saxpy", X = [1], Y = [1] }, "saxpy needs the scalar a" },
        { "sum with y", new VectorInput { Op = "sum", X = [1], Y = [1] }, "sum takes x only" },
        { "dot with a", new VectorInput { Op = "dot", A = 1, X = [1], Y = [1] }, "dot takes no scalar a" },
        { "x missing", new VectorInput { Op = "sum" }, "x (or x_b64) is required" },
        { "x given twice", new VectorInput { Op = "sum", X = [1], XBase64 = Jobs.Base64(1) }, "give x or x_b64, not both" },
        { "over the length limit", new VectorInput { Op = "sum", X = new float[9] }, "at most 8 (Gpu:VectorMaxLength)" },
        { "an infinity", new VectorInput { Op = "sum", XBase64 = Jobs.Base64(1, float.PositiveInfinity) }, "x_b64[1] is Infinity" },
    };

    private static Task<VectorOutput> Handle(VectorInput input) =>
        new VectorHandler(Accelerators.Vector(Accelerators.Cpu), Options.Create(new GpuOptions { VectorMaxLength = 8 }))
            .HandleAsync(input, Jobs.Context(), CancellationToken.None);
}
