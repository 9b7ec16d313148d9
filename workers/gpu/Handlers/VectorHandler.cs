using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Jobs.Vector;
using Fleet.Worker.Gpu.Kernels;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Gpu.Handlers;

/// <summary><c>vector</c>: saxpy, dot and sum with the ILGPU kernels, on CUDA or the CPU.</summary>
[FleetFunction("vector", Hardware = Hardware.Gpu, WorkersMin = 0, WorkersMax = 2, IdleTimeoutSeconds = 30,
    ScalerType = ScalerType.RequestCount, ScalerValue = 16, ExecutionTimeoutMs = 60_000, MaxAttempts = 1, CpuFallback = false,
    ConcurrencyPerWorker = 8)]
public sealed class VectorHandler(VectorKernels kernels, IOptions<GpuOptions> options) : IJobHandler<VectorInput, VectorOutput>
{
    public Task<VectorOutput> HandleAsync(VectorInput input, JobContext context, CancellationToken cancellationToken)
    {
        var op = input.Op ?? throw new PermanentJobException($"op is required: {VectorOps.Saxpy}, {VectorOps.Dot} or {VectorOps.Sum}");
        bool usesY = op is VectorOps.Saxpy or VectorOps.Dot;
        bool usesA = op is VectorOps.Saxpy;
        if (op is not (VectorOps.Saxpy or VectorOps.Dot or VectorOps.Sum))
        {
            throw new PermanentJobException($"op '{op}' is unknown: use {VectorOps.Saxpy}, {VectorOps.Dot} or {VectorOps.Sum}");
        }

        if (!usesY && (input.Y is not null || input.YBase64 is not null))
        {
            throw new PermanentJobException($"{op} takes x only; y was given");
        }

        if (usesA != input.A.HasValue)
        {
            throw new PermanentJobException(usesA ? "saxpy needs the scalar a" : $"{op} takes no scalar a");
        }

        if (input.A is { } scalar && !float.IsFinite(scalar))
        {
            throw new PermanentJobException("a must be a finite float32 number");
        }

        var x = JobArrays.OneOf(input.X, input.XBase64, "x", "x_b64", required: true)!;
        RequireWithinLimit("x", x.Length);
        var y = usesY ? JobArrays.OneOf(input.Y, input.YBase64, "y", "y_b64", required: true)! : null;
        if (y is not null && y.Length != x.Length)
        {
            throw new PermanentJobException($"x has {x.Length} values and y has {y.Length}; they must have the same length");
        }

        cancellationToken.ThrowIfCancellationRequested();
        VectorOutput output = op switch
        {
            VectorOps.Saxpy => new VectorOutput(null, Finite(kernels.Saxpy(input.A!.Value, x, y!), "y")),
            VectorOps.Dot => new VectorOutput(Finite(kernels.Dot(x, y!), "result"), null),
            _ => new VectorOutput(Finite(kernels.Sum(x), "result"), null),
        };
        return Task.FromResult(output);
    }

    private void RequireWithinLimit(string field, int length)
    {
        int max = options.Value.VectorMaxLength;
        if (length > max)
        {
            throw new PermanentJobException(
                $"{field} has {length} values: this worker takes vectors of at most {max} (Gpu:VectorMaxLength)");
        }
    }

    private static float[] Finite(float[] values, string field)
    {
        JobArrays.RequireFiniteResult(values, field);
        return values;
    }

    private static float Finite(float value, string field)
    {
        JobArrays.RequireFiniteResult([value], field);
        return value;
    }
}
